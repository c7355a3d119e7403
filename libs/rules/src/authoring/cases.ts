import { checkCases, type RuleCase } from './check-cases.js';
import { checkAnalyses, readPolicies, type PolicySources } from './checker.js';
import { RuleSet, type Decision } from '../engine/rule-set.js';
import { formatProblem, type RuleProblem } from '../engine/rule-file.js';

export interface CaseResult {
  file: string;
  ruleId: string;
  name: string;
  /** Where the case is in its file: /cases/<index>. */
  index: number;
  passed: boolean;
  /** Why it failed, in words. */
  failures: string[];
  /** The decision the case got (none when it could not be decided), for the explain trace of a failure. */
  decision?: Decision;
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

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a policies directory is worth: the one gate of `rules test`, of the service's first load and of every reload. */
export interface Verification {
  sources: PolicySources;
  /**
   * The checker's problems (rule, data, example and cases files, contradictions) and every
   * example whose decision cannot be computed; failing cases are in `results`.
   */
  problems: RuleProblem[];
  /** Every case, run when the rule and data files check. */
  results: CaseResult[];
  /** Built when the rule and data files check, even if cases fail (for `explain`). */
  ruleSet?: RuleSet;
  passed: boolean;
}

/** The moment cases and examples are decided at by default: every rule, whatever its effective date, takes part. */
export const CASE_TIME = new Date('2100-01-01');

/**
 * Checks a policies directory, then runs every case and decides each decision point's example
 * facts with the rule set built from it. The service switches to a rule set only when this
 * passes, and `npm run rules -- test` reports exactly this, so an author sees before saving what
 * a reload would refuse.
 */
export async function verifyPolicies(dir: string, options: { at?: Date } = {}): Promise<Verification> {
  const at = options.at ?? CASE_TIME;
  const sources = readPolicies(dir);
  // The same problems, in the same order, as `rules check` (checkSources).
  const { problems, checked } = checkCases(sources);
  const verification: Verification = {
    sources,
    problems: [...sources.problems, ...problems, ...(await checkAnalyses(sources))],
    results: [],
    passed: false,
  };
  if (sources.problems.length > 0) return verification;
  const ruleSet = new RuleSet(sources.rules, sources.params, sources.contents);
  verification.ruleSet = ruleSet;
  // The examples are complete facts as the service builds them: if the rules cannot decide those,
  // they cannot decide the service's requests either (a FactsError, where a caller needs an answer).
  for (const [point, facts] of sources.examples) {
    try {
      await ruleSet.decide(point, facts, { now: at });
    } catch (error) {
      verification.problems.push({
        file: `examples/${point}.json`,
        path: '(root)',
        problem: `the rules cannot decide these facts: ${(error as Error).message}`,
      });
    }
  }
  for (const { file, rule, cases } of checked) {
    for (const [index, example] of cases.entries()) {
      const result = await runCase(ruleSet, rule.id, example, sources.examples.get(example.point), at);
      verification.results.push({ file, ruleId: rule.id, name: example.name, index, ...result });
    }
  }
  verification.passed = verification.problems.length === 0 && verification.results.every((r) => r.passed);
  return verification;
}

/** Every problem of a verification, failing cases included, as `file: path: problem`. */
export function verificationProblems(verification: Verification): RuleProblem[] {
  const failed = verification.results.filter((r) => !r.passed);
  return [
    ...verification.problems,
    ...failed.map((r) => ({
      file: r.file,
      path: `/cases/${r.index}`,
      problem: `case "${r.name}" fails: ${r.failures.join('; ')}`,
    })),
  ];
}

/**
 * Runs every cases file of a policies directory against the rule set built from it. Fails when the
 * checker finds a problem (a rule without cases file, a cases file without rule, a rule without a
 * case where it fires or one where it does not, …), when the example facts of a point cannot be
 * decided, or when any case does not come out as stated.
 */
export async function runCases(dir: string, options: { at?: Date } = {}): Promise<CasesReport> {
  const { problems, results, passed } = await verifyPolicies(dir, options);
  return { results, problems: problems.map(formatProblem), passed };
}

/** Decides one case with `ruleSet` and checks what it states (fires, allowed, message, effects). */
export async function runCase(
  ruleSet: RuleSet,
  ruleId: string,
  example: RuleCase,
  base: Record<string, unknown> | undefined,
  at: Date,
): Promise<{ passed: boolean; failures: string[]; decision?: Decision }> {
  const failures: string[] = [];
  let decision: Decision;
  try {
    decision = await ruleSet.decide(example.point, mergeFacts(base ?? {}, example.facts) as Record<string, unknown>, {
      now: at,
    });
  } catch (error) {
    return { passed: false, failures: [`decide failed: ${(error as Error).message}`] };
  }
  const fired = decision.trace.some((t) => t.ruleId === ruleId && t.fired);
  if (fired !== example.fires)
    failures.push(example.fires ? 'expected the rule to fire, it did not' : 'expected the rule not to fire, it did');
  if (example.allowed !== undefined && decision.allowed !== example.allowed) {
    failures.push(
      `expected allowed=${example.allowed}, got ${decision.allowed} (violations: ${decision.violations.map((v) => v.ruleId).join(', ') || 'none'})`,
    );
  }
  if (example.message !== undefined) {
    // An info rule's message is on its effects (it has at least one): any rule's message can be asserted.
    const messages = [
      ...new Set(
        [...decision.violations, ...decision.warnings, ...decision.effects]
          .filter((m) => m.ruleId === ruleId)
          .map((m) => m.message),
      ),
    ];
    if (!messages.includes(example.message))
      failures.push(`expected message "${example.message}", got ${JSON.stringify(messages)}`);
  }
  for (const expected of example.effects ?? []) {
    const found = decision.effects.some(
      (e) =>
        e.ruleId === ruleId &&
        Object.entries(expected).every(
          ([k, v]) => JSON.stringify((e as unknown as Record<string, unknown>)[k]) === JSON.stringify(v),
        ),
    );
    if (!found)
      failures.push(
        `expected effect ${JSON.stringify(expected)}, got ${JSON.stringify(decision.effects.filter((e) => e.ruleId === ruleId))}`,
      );
  }
  return { passed: failures.length === 0, failures, decision };
}
