import { describeLiteral, toTerms, type Literal, type Term } from './condition-terms.js';
import { minimalConflict, unsatisfiable } from './literal-logic.js';
import { lookup } from '../../engine/render.js';
import type { LoadedRule, RuleProblem } from '../../engine/rule-file.js';

/** Literals of a term grouped by the fact value they read; only constant comparisons. */
export function groupsOf(term: Term): Map<string, Literal[]> {
  const groups = new Map<string, Literal[]>();
  for (const l of term) {
    if (!l.constant) continue;
    const key = `${l.fact}\0${l.path}`;
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  return groups;
}

/** The value of a `params` condition is known statically; other facts vary. */
export function knownValue(group: Literal[], params: Record<string, unknown>): { value: unknown } | undefined {
  const { fact, path } = group[0]!;
  if (fact !== 'params') return undefined;
  const dotted = path.replace(/^\$\.?/, '');
  return { value: dotted === '' ? params : lookup(params, dotted) };
}

/** Whether some group of the term can never hold, i.e. the term never fires. */
export function termIsDead(term: Term, params: Record<string, unknown>): boolean {
  return [...groupsOf(term).values()].some((group) => unsatisfiable(group, knownValue(group, params)));
}

export interface SelfContradiction {
  problems: RuleProblem[];
  /** False when the checker proved that the rule never fires; true also when it could not tell. */
  canFire: boolean;
}

/**
 * Conditions of one rule that must hold together but never can (`x > 5` and `x < 3` on the same
 * fact value, `x equal "a"` and `x equal "b"`, `contains v` and `doesNotContain v`). A single
 * condition that can never hold alone (`in []`, a params switch set off) is a setting, not a
 * contradiction, and is not reported.
 */
export function selfContradictions(rule: LoadedRule, params: Record<string, unknown>): SelfContradiction {
  const terms = toTerms(rule.rule.conditions, params);
  if (!terms) return { problems: [], canFire: true };
  const conflicts = new Map<string, Literal[]>();
  for (const term of terms) {
    for (const group of groupsOf(term).values()) {
      const known = knownValue(group, params);
      if (!unsatisfiable(group, known)) continue;
      const clash = minimalConflict(group, known);
      if (clash.length >= 2) conflicts.set(clash.map((l) => `${l.at}${l.negated}`).join(' '), clash);
    }
  }
  const canFire = !terms.every((term) => termIsDead(term, params));
  const consequence = canFire ? 'so the branch of "any" that needs them never fires' : 'so the rule can never fire';
  const problems = [...conflicts.values()].map((clash) => ({
    file: rule.file,
    path: clash[0]!.at,
    problem: `contradictory conditions: ${clash.map((l) => `${describeLiteral(l)} (${l.at})`).join(' and ')} can never hold together, ${consequence}`,
  }));
  return { problems, canFire };
}
