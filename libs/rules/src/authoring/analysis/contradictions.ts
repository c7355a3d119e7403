import type { PolicySources } from '../checker.js';
import { opposingEffectRules, ownOppositeEffects } from './effect-conflicts.js';
import type { RuleProblem } from '../../engine/rule-file.js';
import { selfContradictions } from './self-contradictions.js';

/**
 * Contradictory rules, as far as they can be decided soundly (a problem is reported only when it
 * is certain; see "Contradictory rules" in libs/rules/README.md for what is and is not caught):
 * conditions of one rule that can never hold together, a rule declaring two effects that undo
 * each other, and two rules whose opposite effects can come out of one allowed decision.
 */
export async function checkContradictions(
  sources: Pick<PolicySources, 'rules' | 'params' | 'examples'>,
): Promise<RuleProblem[]> {
  const problems: RuleProblem[] = [];
  for (const rule of sources.rules) {
    const own = selfContradictions(rule, sources.params);
    problems.push(...own.problems);
    if (own.canFire) problems.push(...ownOppositeEffects(rule));
  }
  problems.push(...(await opposingEffectRules(sources.rules, sources.params, sources.examples)));
  return problems;
}
