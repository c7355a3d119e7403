import { describe, expect, it } from 'vitest';
import { tableRows } from './ab-table.js';

describe('tableRows', () => {
  it('reads the ratio and service CPU of every row of a table with a ratio column, ceilings included', () => {
    const report = [
      'intro',
      '',
      '| what | per second (median) | ratio to ceiling (median of per-run ratios) | service CPU per call (us) |',
      '| --- | --- | --- | --- |',
      '| pgbench replaying one AssignLicenses | 745 | 1.00 | - |',
      '| AssignLicenses over gRPC, spread | 292 | 0.35 | 2972 |',
      '',
      '| code | share |',
      '| --- | --- |',
      '| rules | 5.6% |',
    ].join('\n');
    expect(tableRows(report)).toEqual([
      { row: 'pgbench replaying one AssignLicenses', ratio: 1, cpu: Number.NaN },
      { row: 'AssignLicenses over gRPC, spread', ratio: 0.35, cpu: 2972 },
    ]);
  });

  it('finds nothing in a report without tables', () => {
    expect(tableRows('**PASS**: fine')).toEqual([]);
  });
});
