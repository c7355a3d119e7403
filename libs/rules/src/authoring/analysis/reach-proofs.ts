import type { DecisionPoint } from '../../engine/decision-points.js';
import type { LoadedRule } from '../../engine/rule-file.js';
import { readsOf, type Term } from './condition-terms.js';
import { phrase } from './opposite-operators.js';
import type { Analysis } from './reach-analysis.js';
import { combinationsOf, describeCombination, type Combination, type PointReach } from './reach-answers.js';
import { decidedFalse, simplify, type Clause, type Scope } from './reach-clauses.js';
import { fewestNeeded, refutes, type Conflict } from './reach-search.js';

/**
 * The proofs of "never" answers, as small as the search allows: the fewest deny rules, the fewest
 * account values, and in words what each rule needs and which conditions clash.
 */

/** Deny rules that still refute the question without any one of them (all of them needed). */
export function minimalCore(
  analysis: Analysis,
  denies: LoadedRule[],
  target: LoadedRule | undefined,
  scope: Scope,
): LoadedRule[] {
  const fire = target ? [analysis.fireOf(target)!] : [];
  return fewestNeeded(
    denies.filter((d) => analysis.denyOf(d).length > 0),
    (rest) => refutes([...fire, ...rest.flatMap((r) => analysis.denyOf(r))], scope) !== undefined,
  );
}

/** The account values a refutation needs: each value it holds without, for every value, is left out. */
function generalize(analysis: Analysis, reach: PointReach, combination: Combination, clauses: Clause[]): Combination {
  const kept = fewestNeeded(
    reach.fields.filter((field) => combination.has(field)),
    (fields) =>
      combinationsOf(reach.fields, restrict(combination, fields)).every((c) =>
        refutes(clauses, analysis.scope(reach.point, c)),
      ),
  );
  return restrict(combination, kept);
}

const restrict = (combination: Combination, fields: string[]): Combination =>
  new Map([...combination].filter(([field]) => fields.includes(field)));

const ruleIds = (rules: LoadedRule[]) => rules.map((r) => r.id).join(' ');

/** A "never" answer to prove: the combination it was found for, the rules of its proof and their clauses. */
export interface Refutation {
  combination: Combination;
  rules: LoadedRule[];
  clauses: Clause[];
}

/** Each refutation for the fewest account values it needs, with its proof: one per rules and account values. */
export function generalProofs(
  analysis: Analysis,
  reach: PointReach,
  refutations: Refutation[],
): { general: Combination; rules: LoadedRule[]; proof: string }[] {
  const proofs = new Map<string, { general: Combination; rules: LoadedRule[]; proof: string }>();
  for (const { combination, rules, clauses } of refutations) {
    const general = generalize(analysis, reach, combination, clauses);
    const key = `${ruleIds(rules)}|${describeCombination(general)}`;
    if (proofs.has(key)) continue;
    proofs.set(key, { general, rules, proof: proofOf(clauses, analysis.scope(reach.point, general)) });
  }
  return [...proofs.values()];
}

/** Refutations in words, each for the fewest account values it needs (`for account.style "goto": ...`). */
export const proofParts = (analysis: Analysis, reach: PointReach, refutations: Refutation[]): string[] =>
  generalProofs(analysis, reach, refutations).map(({ general, proof }) =>
    general.size ? `for ${describeCombination(general)}: ${proof}` : proof,
  );

/**
 * A refutation in words: what each rule needs here (its conditions with what the params and the
 * account values decide taken out) and the conditions among those that never hold together.
 */
export function proofOf(clauses: Clause[], scope: Scope): string {
  const refuted = refutes(clauses, scope);
  if (!refuted) return 'no proof'; // not reached: callers pass refuted clauses
  const { clauses: live } = simplify(clauses, scope);
  const point = scope.point;
  const conjunction = (alt: Term) => alt.map((l) => phrase(l, point)).join(' and ');
  const disjunction = (c: Clause) =>
    c.alts.length === 1
      ? conjunction(c.alts[0]!)
      : `either ${c.alts.map((alt) => (alt.length > 1 ? `(${conjunction(alt)})` : conjunction(alt))).join(' or ')}`;
  const parts: string[] = [];
  for (const rule of [...new Set(clauses.map((c) => c.rule))]) {
    const emptied = refuted.emptied.filter((c) => c.rule === rule);
    const mine = live.filter((c) => c.rule === rule);
    const deny = rule.severity === 'deny';
    if (emptied.length > 0 && deny) {
      const term = emptied[0]!.term ?? [];
      parts.push(
        `${rule.id} fires on every such request (${term.length ? conjunction(term) : 'it has no conditions'})`,
      );
    } else if (emptied.length > 0) {
      const decided = decidedFalse(emptied[0]!, scope);
      parts.push(
        `${rule.id} never fires here (${decided.length ? `${decided.map((l) => phrase(l, point)).join(', ')} never hold(s) here` : 'its conditions have no alternative'})`,
      );
    } else if (deny) parts.push(`${rule.id} must not fire, so ${mine.map(disjunction).join(' and ')}`);
    else parts.push(`${rule.id} fires only when ${mine.map(disjunction).join(' and ')}`);
  }
  const clashes = refuted.conflicts.map((c) => describeConflict(c, point));
  const shown = clashes.slice(0, 6).join('; ') + (clashes.length > 6 ? `; and ${clashes.length - 6} more` : '');
  if (clashes.length === 0) return parts.join('; ');
  return `${parts.join('; ')}; ${clashes.length === 1 ? 'and' : 'every alternative meets one of these:'} ${shown}`;
}

/** A conflict in words: `a and b never hold together` / `a holds for no value`. */
export function describeConflict(c: Conflict, point: DecisionPoint): string {
  const words = c.literals.map((l) => phrase(l, point)).join(' and ');
  const values = c.domain
    ? ` (${readsOf(c.literals[0]!)} is ${c.domain.map((v) => JSON.stringify(v)).join(' or ')})`
    : '';
  if (c.literals.length > 1) return `${words} never hold together${values}`;
  return `${words} holds for ${c.domain ? 'none of its values' : 'no value'}${values}`;
}
