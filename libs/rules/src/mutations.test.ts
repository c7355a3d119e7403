/**
 * The cases must be able to fail: removing any rule file, or turning any rule's condition into
 * its opposite, makes the case run fail.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readPolicies } from './checker.js';
import { runCases } from './cases.js';
import { DEFAULT_POLICIES_DIR } from './load.js';
import { copyPolicies } from './test-support.js';

const ruleFiles = readPolicies(DEFAULT_POLICIES_DIR).rules.map((r) => r.file);
let copy: ReturnType<typeof copyPolicies> | undefined;
afterEach(() => copy?.remove());

describe('case coverage', () => {
  it.each(ruleFiles)('removing %s fails the cases', async (file) => {
    copy = copyPolicies();
    rmSync(join(copy.dir, file));
    const report = await runCases(copy.dir);
    expect(report.passed).toBe(false);
    expect(report.problems.join('\n')).toContain('no rule file beside it');
  });

  it.each(ruleFiles)('flipping the condition of %s fails a case', async (file) => {
    copy = copyPolicies();
    copy.edit(file, (rule) => {
      const inner = rule.rule as { conditions: unknown };
      inner.conditions = { not: inner.conditions };
    });
    const report = await runCases(copy.dir);
    expect(report.results.filter((r) => r.file === file.replace('.rule.json', '.cases.json') && !r.passed).length).toBeGreaterThan(0);
  });
});
