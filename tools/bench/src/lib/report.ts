import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

export const BENCHMARKS_DOC = fileURLToPath(new URL('../../../../docs/benchmarks.md', import.meta.url));

/** What one benchmark reports: its figures as a markdown table plus what dominates the path. */
export interface BenchmarkSection {
  /** Stable id: the section is replaced in place on the next run of the same benchmark. */
  id: string;
  title: string;
  /** The command that produced the figures, as a reader would type it. */
  command: string;
  /** Markdown body: tables, target verdicts, what dominates. */
  body: string;
}

/**
 * Writes (or replaces) a benchmark's section in docs/benchmarks.md between markers, stamped with
 * the date, the machine and the producing command, so the figures always say where they came from.
 */
export function writeSection(section: BenchmarkSection, path = BENCHMARKS_DOC): void {
  const start = `<!-- bench:${section.id}:start -->`;
  const end = `<!-- bench:${section.id}:end -->`;
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}`;
  const block = [
    start,
    `## ${section.title}`,
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine} with:`,
    '',
    '```sh',
    // Node flags other than the deployment ones are part of the command that produced the figures.
    [
      ...Object.entries(process.env)
        .filter(([name]) => name.startsWith('BENCH_NODE_FLAGS_'))
        .map(([name, value]) => `${name}="${value}"`),
      section.command,
    ].join(' '),
    '```',
    '',
    section.body.trim(),
    end,
  ].join('\n');
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from
      ? `${current.slice(0, from)}${block}${current.slice(to + end.length)}`
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
}

/** A markdown table from a header and rows. */
export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** `PASS` or `MISS` with the figure and the target, for a verdict line. */
export function verdict(ok: boolean, text: string): string {
  return `${ok ? '**PASS**' : '**MISS**'}: ${text}`;
}
