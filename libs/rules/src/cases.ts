import { checkCases, readPolicies, type RuleCase } from './checker.js';
import { checkContradictions } from './contradictions.js';
import { RuleSet, type Decision } from './rule-set.js';
import { formatProblem } from './rule-file.js';

export type { RuleCase } from './checker.js';

export interface CaseResult {
  file: string;
  ruleId: string;
  name: string;
  passed: boolean;
  /** Why it failed, in words. */
  failures: string[];
}

export interface CasesReport {
  results: CaseResult[];
  /** Problems that are not one case: missing cases files, rules without a firing case, … */
  problems: string[];
  passed: boolean;
}

/**
 * Case facts are written as changes to the example facts of their point: objects merge key by
 * key, lists of objects merge item by item (so `products: [{excess: 2}]` changes the first
 * product), anything else (lists of strings included) replaces.
 */
export function mergeFacts(base: unknown, override: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(override) && override.every(isPlainObject)) {
    return override.map((item, i) => mergeFacts(base[i], item));
  }
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = mergeFacts(base[key], value);
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Runs every cases file of a policies directory against the rule set built from it. Fails when the
 * checker finds a problem (a rule without cases file, a cases file without rule, a rule without a
 * case where it fires or one where it does not, …) or when any case does not come out as stated.
 */
export async function runCases(dir: string): Promise<CasesReport> {
  const sources = readPolicies(dir);
  const report: CasesReport = { results: [], problems: sources.problems.map(formatProblem), passed: false };
  if (sources.problems.length > 0) return report;
  const ruleSet = new RuleSet(sources.rules, sources.params, sources.contents);
  const { problems, checked } = checkCases(sources);
  report.problems.push(...[...problems, ...(await checkContradictions(sources))].map(formatProblem));
  for (const { file, rule, cases } of checked) {
    for (const example of cases) {
      const result = await runCase(ruleSet, rule.id, example, sources.examples.get(example.point));
      report.results.push({ file, ruleId: rule.id, name: example.name, ...result });
    }
  }
  report.passed = report.problems.length === 0 && report.results.every((r) => r.passed);
  return report;
}

async function runCase(ruleSet: RuleSet, ruleId: string, example: RuleCase, base: Record<string, unknown> | undefined) {
  const failures: string[] = [];
  let decision: Decision;
  try {
    decision = await ruleSet.decide(example.point, mergeFacts(base ?? {}, example.facts) as Record<string, unknown>, { now: new Date('2100-01-01') });
  } catch (error) {
    return { passed: false, failures: [`decide failed: ${(error as Error).message}`] };
  }
  const fired = decision.trace.some((t) => t.ruleId === ruleId && t.fired);
  if (fired !== example.fires) failures.push(example.fires ? 'expected the rule to fire, it did not' : 'expected the rule not to fire, it did');
  if (example.allowed !== undefined && decision.allowed !== example.allowed) {
    failures.push(`expected allowed=${example.allowed}, got ${decision.allowed} (violations: ${decision.violations.map((v) => v.ruleId).join(', ') || 'none'})`);
  }
  if (example.message !== undefined) {
    const messages = [...decision.violations, ...decision.warnings].filter((m) => m.ruleId === ruleId).map((m) => m.message);
    if (!messages.includes(example.message)) failures.push(`expected message "${example.message}", got ${JSON.stringify(messages)}`);
  }
  for (const expected of example.effects ?? []) {
    const found = decision.effects.some((e) => e.ruleId === ruleId && Object.entries(expected).every(([k, v]) => JSON.stringify((e as unknown as Record<string, unknown>)[k]) === JSON.stringify(v)));
    if (!found) failures.push(`expected effect ${JSON.stringify(expected)}, got ${JSON.stringify(decision.effects.filter((e) => e.ruleId === ruleId))}`);
  }
  return { passed: failures.length === 0, failures };
}
