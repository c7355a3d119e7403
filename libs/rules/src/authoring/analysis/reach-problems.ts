import type { LoadedRule, RuleProblem } from '../../engine/rule-file.js';
import type { Analysis } from './reach-analysis.js';
import {
  describeCombination,
  effectTypes,
  type Combination,
  type PointReach,
  type RuleFiring,
} from './reach-answers.js';
import { generalProofs, proofParts, type Refutation } from './reach-proofs.js';
import { selfContradictions } from './self-contradictions.js';

/** The reach answers that `check` reports (and a reload refuses), each with its proof. */

/** The rule a conflict between rules is reported at: the newest (the one that most likely broke the others). */
const newest = (rules: LoadedRule[]) =>
  [...rules].sort((a, b) => a.effectiveDate.localeCompare(b.effectiveDate) || a.file.localeCompare(b.file)).at(-1)!;

/**
 * A point that never allows for some account values because of what its deny rules ask of the
 * other facts (rules that exclude each other, or one that always fires), or that never allows for
 * any account at all. A rule that closes the point to some accounts by their values alone (as
 * sales-managed accounts to purchases) is a decision, not a problem.
 */
export function pointProblems(analysis: Analysis, reach: PointReach): RuleProblem[] {
  const denied = reach.combinations.flatMap(({ combination, allow }) =>
    allow.kind === 'never' && allow.because === 'denied' ? [refutationBy(analysis, combination, allow.rules)] : [],
  );
  const problems = generalProofs(analysis, reach, denied).map(({ general, rules, proof }) => ({
    file: newest(rules).file,
    path: '/rule/conditions',
    problem: `${reach.point} can never allow for ${describeCombination(general)} (proof): ${proof}`,
  }));
  const never = reach.combinations.flatMap(({ combination, allow }) =>
    allow.kind === 'never' ? [refutationBy(analysis, combination, allow.rules)] : [],
  );
  if (problems.length === 0 && never.length === reach.combinations.length && never.length > 0)
    problems.push({
      file: newest(never[0]!.rules).file,
      path: '/rule/conditions',
      problem: `${reach.point} can never allow for any account (proof): ${proofParts(analysis, reach, never).join('; ')}`,
    });
  return problems;
}

/** "The point never allows here", refuted by these deny rules. */
const refutationBy = (analysis: Analysis, combination: Combination, rules: LoadedRule[]): Refutation => ({
  combination,
  rules,
  clauses: rules.flatMap((r) => analysis.denyOf(r)),
});

/**
 * A rule with effects that can fire, but never in an allowed decision: its effects never apply.
 * Not reported where the point itself is reported as never allowing.
 */
export function effectProblems(analysis: Analysis, reach: PointReach): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (reach.combinations.every((c) => c.allow.kind === 'never')) return problems; // the point is reported
  const rules = reach.combinations[0]?.effects.map((e) => e.rule) ?? [];
  for (const rule of rules) {
    const cases = reach.combinations.map(({ combination, allow, effects }) => ({
      combination,
      allow,
      answer: effects.find((e) => e.rule === rule)!.answer,
    }));
    const firing = cases.filter((c) => !(c.answer.kind === 'never' && c.answer.because === 'dead'));
    if (firing.length === 0 || firing.some((c) => c.answer.kind !== 'never')) continue;
    if (firing.every((c) => c.allow.kind === 'never' && c.allow.because === 'denied')) continue;
    const refutations = firing.map(({ combination, allow, answer: a }) => {
      // Where the point never allows, its own proof; elsewhere the rule and the deny rules that exclude it.
      const rules = a.kind === 'never' && a.because !== 'point' ? a.rules : allow.kind === 'never' ? allow.rules : [];
      const fire = a.kind === 'never' && a.because !== 'point' ? [analysis.fireOf(rule)!] : [];
      return {
        combination,
        rules,
        clauses: [...fire, ...rules.filter((r) => r !== rule).flatMap((r) => analysis.denyOf(r))],
      };
    });
    problems.push({
      file: rule.file,
      path: '/effects/0',
      problem: `${effectTypes(rule).join(' and ')} can never occur in an allowed decision at ${reach.point} (proof): ${proofParts(analysis, reach, refutations).join('; ')}`,
    });
  }
  return problems;
}

/** A warn or info rule that can never fire by its own conditions; not one only switched off by a data file. */
export function neverFiringProblems(firings: RuleFiring[], params: Record<string, unknown>): RuleProblem[] {
  return firings.flatMap(({ rule, fires, why, at }) => {
    if (fires !== 'never') return [];
    const own = selfContradictions(rule, params);
    // Contradictory conditions already say "so the rule can never fire".
    if (!own.canFire && own.problems.length > 0) return [];
    return [{ file: rule.file, path: at, problem: `the rule can never fire: ${why}` }];
  });
}
