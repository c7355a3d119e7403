/** One measured row of a benchmark's report. */
export interface MeasuredRow {
  /** The row's first cell: what was measured. */
  row: string;
  /** Its rate (calls, transactions or messages per second). */
  rate: number;
  /** Its ratio to the ceiling measured in the same run (1 for the ceiling itself). */
  ratio: number;
  /** The service's CPU per call in microseconds, NaN where the table has none. */
  cpu: number;
}

/**
 * Every row of the report's markdown tables that have a rate column ("per second", "calls/s",
 * "messages/s") and a "ratio to" column.
 */
export function tableRows(report: string): MeasuredRow[] {
  const found: MeasuredRow[] = [];
  let header: string[] | null = null;
  for (const line of report.split('\n')) {
    if (!line.startsWith('|')) {
      header = null;
      continue;
    }
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    if (!header) {
      header = cells;
      continue;
    }
    if (cells.every((cell) => /^-+$/.test(cell))) continue;
    const column = (test: (heading: string) => boolean) => Number(cells[header!.findIndex(test)]);
    const rate = column((h) => /^(per second|calls\/s|messages\/s)/.test(h));
    const ratio = column((h) => h.startsWith('ratio to'));
    const cpu = column((h) => h.startsWith('service CPU per call'));
    if (Number.isFinite(rate) && Number.isFinite(ratio)) found.push({ row: cells[0]!, rate, ratio, cpu });
  }
  return found;
}
