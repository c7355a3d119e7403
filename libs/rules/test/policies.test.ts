/**
 * The policy authors' examples are the rules' tests: every case beside every rule runs here, and
 * the set is only accepted when each rule has a case where it fires and one where it does not.
 */
import { describe, expect, it } from 'vitest';
import { runCases } from '../src/authoring/cases.js';
import { DEFAULT_POLICIES_DIR } from '../src/loading/load.js';

const report = await runCases(DEFAULT_POLICIES_DIR);

describe('policy cases', () => {
  it('cover every rule with a firing and a non-firing case, with no stray files', () => {
    expect(report.problems).toEqual([]);
    expect(report.results.length).toBeGreaterThan(0);
  });

  describe.each([...new Set(report.results.map((r) => r.ruleId))])('%s', (ruleId) => {
    it.each(report.results.filter((r) => r.ruleId === ruleId).map((r) => [r.name, r] as const))(
      '%s',
      (_name, result) => {
        expect(result.failures).toEqual([]);
      },
    );
  });
});
