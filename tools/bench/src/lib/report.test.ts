import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { table, writeSection } from './report.js';

describe('writeSection', () => {
  it('adds a section once and replaces it in place on the next run, keeping the rest', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bench-doc-')), 'benchmarks.md');
    writeFileSync(path, '# Benchmarks\n\nIntro stays.\n');
    writeSection({ id: 'reads', title: 'Reads', command: 'npm run bench -- reads', body: 'first' }, path);
    writeSection({ id: 'rules', title: 'Rules', command: 'npm run bench -- rules', body: 'rules body' }, path);
    writeSection({ id: 'reads', title: 'Reads', command: 'npm run bench -- reads', body: 'second' }, path);
    const doc = readFileSync(path, 'utf8');
    expect(doc).toContain('Intro stays.');
    expect(doc).toContain('second');
    expect(doc).not.toContain('first');
    expect(doc.indexOf('## Reads')).toBeLessThan(doc.indexOf('## Rules'));
    expect(doc.match(/## Reads/g)).toHaveLength(1);
    expect(doc).toContain('npm run bench -- reads');
  });

  it('writes node flags that replace the deployment ones into the command', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bench-doc-')), 'benchmarks.md');
    process.env.BENCH_NODE_FLAGS_LICENSING_SERVICE = '--heap-growing-percent=40';
    try {
      writeSection({ id: 'soak', title: 'Soak', command: 'npm run bench -- soak', body: 'figures' }, path);
    } finally {
      delete process.env.BENCH_NODE_FLAGS_LICENSING_SERVICE;
    }
    expect(readFileSync(path, 'utf8')).toContain(
      'BENCH_NODE_FLAGS_LICENSING_SERVICE="--heap-growing-percent=40" npm run bench -- soak\n',
    );
  });

  it('renders markdown tables', () => {
    expect(table(['a', 'b'], [[1, 'x']])).toBe('| a | b |\n| --- | --- |\n| 1 | x |');
  });
});
