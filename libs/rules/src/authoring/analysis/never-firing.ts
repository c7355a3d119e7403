import { phrase } from './opposite-operators.js';
import type { Analysis } from './reach-analysis.js';
import type { RuleFiring } from './reach-answers.js';
import { decidedFalse, type Clause, type Scope } from './reach-clauses.js';
import { describeConflict } from './reach-proofs.js';
import { refutes } from './reach-search.js';

/**
 * "Can this rule fire at all?" for warn and info rules, by their own conditions, whatever the other
 * rules do. A rule that fires again once the params are taken as "either way" is only switched off
 * by a data file: a setting, not a mistake.
 */
export function neverFiring(analysis: Analysis): RuleFiring[] {
  const out: RuleFiring[] = [];
  for (const rule of analysis.rules.filter((r) => r.severity !== 'deny')) {
    const fire = analysis.fireOf(rule);
    if (!fire) continue;
    const scopes = rule.decisionPoints.map((p) => analysis.scope(p, new Map()));
    if (scopes.some((s) => !refutes([fire], s))) continue;
    const switchedOff = scopes.some((s) => !refutes([fire], { ...s, paramsFree: true }));
    const scope = switchedOff ? scopes[0]! : { ...scopes[0]!, paramsFree: true };
    const refuted = refutes([fire], scope)!;
    const why = switchedOff
      ? `${decidedFalse(fire, scope)
          .map((l) => phrase(l, scope.point))
          .join(', ')} never hold(s) with the data files`
      : whyDead(refuted, fire, scope);
    const first = refuted.conflicts[0]?.literals[0];
    out.push({ rule, fires: switchedOff ? 'switched off' : 'never', why, at: first?.at ?? '/rule/conditions' });
  }
  return out;
}

function whyDead(refuted: NonNullable<ReturnType<typeof refutes>>, fire: Clause, scope: Scope): string {
  // With the params "either way" and no account value fixed, only a rule without alternatives is emptied.
  if (refuted.emptied.length > 0) return 'its conditions have no alternative (an empty "any")';
  const seen = refuted.conflicts.map(
    (c) => `${describeConflict(c, scope.point)} (${c.literals.map((l) => l.at).join(', ')})`,
  );
  return fire.alts.length > 1 ? `every alternative fails: ${seen.join('; ')}` : seen.join('; ');
}
