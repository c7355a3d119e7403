/** Every markdown table row with a "ratio to" column: its first cell, ratio and service CPU per call. */
export function tableRows(report: string): { row: string; ratio: number; cpu: number }[] {
  const found: { row: string; ratio: number; cpu: number }[] = [];
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
    if (!header) header = cells;
    else if (!cells.every((cell) => /^-+$/.test(cell))) {
      const ratio = Number(cells[header.findIndex((h) => h.startsWith('ratio to'))]);
      const cpu = Number(cells[header.findIndex((h) => h.startsWith('service CPU per call'))]);
      if (Number.isFinite(ratio)) found.push({ row: cells[0]!, ratio, cpu });
    }
  }
  return found;
}
