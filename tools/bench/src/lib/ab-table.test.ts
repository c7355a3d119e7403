import { describe, expect, it } from 'vitest';
import { tableRows } from './ab-table.js';

describe('tableRows', () => {
  it('reads rate, ratio and service CPU of every row of a table with both columns, ceilings included', () => {
    const report = [
      'intro',
      '',
      '| what | per second (median) | spread | ratio to ceiling (median of per-run ratios) | service CPU per call (us) |',
      '| --- | --- | --- | --- | --- |',
      '| pgbench replaying one AssignLicenses | 745 | -15% / +20% | 1.00 | - |',
      '| AssignLicenses over gRPC, spread | 292 | -24% / +1% | 0.35 | 2972 |',
      '',
      '| target | calls/s (median) | ratio to empty (median of per-run ratios) |',
      '| --- | --- | --- |',
      '| GetSeatUsage | 10022 | 0.59 |',
      '',
      '| code | share of busy samples |',
      '| --- | --- |',
      '| rules | 5.6% |',
    ].join('\n');
    expect(tableRows(report)).toEqual([
      { row: 'pgbench replaying one AssignLicenses', rate: 745, ratio: 1, cpu: Number.NaN },
      { row: 'AssignLicenses over gRPC, spread', rate: 292, ratio: 0.35, cpu: 2972 },
      { row: 'GetSeatUsage', rate: 10022, ratio: 0.59, cpu: Number.NaN },
    ]);
  });

  it('finds nothing in a report without such tables', () => {
    expect(tableRows('**PASS**: fine\n\n| a | b |\n| --- | --- |\n| 1 | 2 |')).toEqual([]);
  });
});
