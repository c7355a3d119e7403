/**
 * Condition coverage: every rule's own cases must make it fire and not fire, and make each of its
 * conditions hold and fail. `npm test` fails below full coverage of the shipped rules.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCases } from '../src/authoring/cases.js';
import { readPolicies } from '../src/authoring/checker.js';
import { conditionCoverage } from '../src/authoring/coverage.js';
import { DEFAULT_POLICIES_DIR } from '../src/loading/load.js';
import type { ConditionTrace, Decision, RuleTrace } from '../src/engine/rule-set.js';
import { copyPolicies } from './test-support.js';

const RETAIN = 'retention/retain-phone-configuration.rule.json';
const coverageOf = async (dir: string) => {
  const report = await runCases(dir);
  return { report, coverage: conditionCoverage(readPolicies(dir).rules, report.results) };
};

let copy: ReturnType<typeof copyPolicies> | undefined;
afterEach(() => copy?.remove());

describe('condition coverage', () => {
  it('is full for the shipped rules: each rule fires and does not, each condition holds and fails', async () => {
    const { coverage } = await coverageOf(DEFAULT_POLICIES_DIR);
    // The failure lists each uncovered rule or condition as `file: pointer: condition: no case makes it …`.
    expect(coverage.uncovered).toEqual([]);
    expect(coverage.total).toBeGreaterThan(0);
    expect(coverage.covered).toBe(coverage.total);
    expect(coverage.full).toBe(true);
  });

  it('fails for a rule with a condition that no case makes false, though every case passes', async () => {
    copy = copyPolicies();
    copy.edit(RETAIN, (rule) => {
      const conditions = (rule.rule as { conditions: { all: unknown[] } }).conditions;
      conditions.all.push({ fact: 'user', path: '$.id', operator: 'notEqual', value: 'usr_nobody' });
    });
    const { report, coverage } = await coverageOf(copy.dir);
    expect(report.passed).toBe(true);
    expect(coverage.full).toBe(false);
    expect(coverage.covered).toBe(coverage.total - 1);
    expect(coverage.uncovered).toEqual([
      `${RETAIN}: /rule/conditions/all/2: user.id notEqual "usr_nobody": no case makes it fail`,
    ]);
  });

  it('leaves out conditions on data values alone, which no case can change', async () => {
    const { coverage } = await coverageOf(DEFAULT_POLICIES_DIR);
    const gotoPurchase = coverage.rules.find(
      (r) => r.ruleId === 'who-may-act.goto-purchase-requires-super-admin-and-card',
    )!;
    expect(gotoPurchase.conditions.filter((c) => c.setting).map((c) => c.label)).toEqual([
      'params.purchase.gotoRequiresSuperAdminAndCard equal true',
    ]);
    expect(coverage.settings).toBe(1);
  });

  describe('from the trace', () => {
    const rule = readPolicies(DEFAULT_POLICIES_DIR).rules.find((r) => r.id === 'seat-limits.last-seat-notice')!;
    const condition = (at: string, result: boolean, extra: Partial<ConditionTrace> = {}): ConditionTrace => ({
      at,
      fact: 'product',
      operator: 'equal',
      value: 0,
      factValue: 0,
      result,
      ...extra,
    });
    const caseWith = (...trace: RuleTrace[]) => ({ ruleId: rule.id, decision: { trace } as unknown as Decision });
    const evaluation = (productId: string, fired: boolean, conditions: ConditionTrace[]): RuleTrace => ({
      ruleId: rule.id,
      productId,
      fired,
      conditions,
      groups: [],
    });

    it('counts each product of a forEach rule: one case can cover a condition both ways', () => {
      const [coverage] = conditionCoverage(
        [rule],
        [
          caseWith(
            evaluation('goto_meeting', true, [condition('/all/0', true), condition('/all/1', true)]),
            evaluation('goto_webinar', false, [condition('/all/0', false), condition('/all/1', true)]),
          ),
        ],
      ).rules;
      expect(coverage).toMatchObject({ fired: true, notFired: true });
      expect(coverage!.conditions.map((c) => [c.held, c.failed])).toEqual([
        [true, true],
        [true, false],
      ]);
    });

    it('does not count a condition json-rules-engine did not evaluate as failed', () => {
      const report = conditionCoverage(
        [rule],
        [
          caseWith(evaluation('goto_meeting', true, [condition('/all/0', true), condition('/all/1', true)])),
          caseWith(
            evaluation('goto_meeting', false, [
              condition('/all/0', false),
              condition('/all/1', false, { evaluated: false }),
            ]),
          ),
        ],
      );
      expect(report.uncovered).toEqual([
        'seat-limits/last-seat-notice.rule.json: /rule/conditions/all/1: product.requested greaterThan 0: no case makes it fail',
      ]);
    });

    it("counts only the rule's own cases", () => {
      const other = { ...caseWith(evaluation('goto_meeting', false, [condition('/all/0', false)])), ruleId: 'x.y' };
      const report = conditionCoverage([rule], [other]);
      expect(report.covered).toBe(0);
      expect(report.uncovered).toContain(`${rule.file}: (root): no case makes the rule fire`);
    });
  });
});

describe('npm run rules -- test --coverage', () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const rules = (...args: string[]) =>
    spawnSync(join(root, 'node_modules/.bin/tsx'), ['libs/rules/src/authoring/cli.ts', ...args], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('prints each rule and condition both ways and exits 0 at full coverage', () => {
    const result = rules('test', '--coverage');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^seat-limits\.no-assignment-beyond-purchased: fired ✓ not fired ✓$/m);
    expect(result.stdout).toMatch(/^ {2}held ✓ failed ✓ {2}product\.availableAfter lessThan 0$/m);
    expect(result.stdout).toMatch(/^(\d+) of \1 conditions covered both ways/m);
  });

  it('exits 1 and names the condition when coverage is not full', () => {
    copy = copyPolicies();
    copy.edit(RETAIN, (rule) => {
      const conditions = (rule.rule as { conditions: { all: unknown[] } }).conditions;
      conditions.all.push({ fact: 'user', path: '$.id', operator: 'notEqual', value: 'usr_nobody' });
    });
    const result = rules('test', '--coverage', copy.dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^\d+ passed, 0 failed$/m);
    expect(result.stdout).toMatch(/^ {2}held ✓ failed ✗ {2}user\.id notEqual "usr_nobody"$/m);
    expect(result.stdout).toContain(
      `not covered: ${RETAIN}: /rule/conditions/all/2: user.id notEqual "usr_nobody": no case makes it fail`,
    );
  });
});
