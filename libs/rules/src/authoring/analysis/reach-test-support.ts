/** Helpers of the reach analysis tests: a rule added to a copy of the policies, and the answers to look at. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { checkRules, readPolicies } from '../checker.js';
import { formatProblem, type ConditionNode } from '../../engine/rule-file.js';
import type { copyPolicies } from '../../../test/test-support.js';
import { analyseReach } from './reach.js';
import type { Answer, ReachReport } from './reach-answers.js';

/** As the analysis decides: every rule takes part whatever its date. */
export const FAR_FUTURE = new Date('2100-01-01');

/** Adds a rule (and a cases file, so that `check` has nothing else to say) to a copy of the policies. */
export function addRule(
  c: ReturnType<typeof copyPolicies>,
  file: string,
  rule: {
    severity: 'deny' | 'warn' | 'info';
    decisionPoints: string[];
    conditions: ConditionNode;
    effects?: unknown[];
  },
) {
  const id = file.replace(/\.rule\.json$/, '').replace('/', '.');
  const point = rule.decisionPoints[0]!;
  writeFileSync(
    join(c.dir, file),
    JSON.stringify({
      $schema: '../../schema/rule.schema.json',
      id,
      title: `Test rule ${id}`,
      description: 'A rule the reach analysis test adds.',
      message: 'test rule fired',
      severity: rule.severity,
      owner: 'policy-team@acme.dev',
      effectiveDate: '2026-06-01',
      decisionPoints: rule.decisionPoints,
      ...(rule.effects ? { effects: rule.effects } : {}),
      rule: { conditions: rule.conditions },
    }),
  );
  writeFileSync(
    join(c.dir, file.replace(/\.rule\.json$/, '.cases.json')),
    JSON.stringify({
      $schema: '../../schema/cases.schema.json',
      rule: id,
      cases: [
        { name: 'fires', point, facts: {}, fires: true },
        { name: 'does not fire', point, facts: {}, fires: false },
      ],
    }),
  );
}

/** The reach report of a policies directory that has no problem of its own. */
export const reachOf = async (dir: string) => {
  const sources = readPolicies(dir);
  expect(sources.problems).toEqual([]);
  return { sources, report: await analyseReach(sources.rules, sources.params, sources.examples) };
};

export const pointOf = (report: ReachReport, point: string) => report.points.find((p) => p.point === point)!;

/** The "can allow" answer at a point for the combination with these account values. */
export const allowFor = (report: ReachReport, point: string, account: Record<string, string>): Answer =>
  pointOf(report, point).combinations.find(({ combination }) =>
    Object.entries(account).every(([field, value]) => combination.get(field) === value),
  )!.allow;

/** What `check` reports, as it prints it. */
export const problemsIn = async (dir: string) => (await checkRules(dir)).map(formatProblem);
