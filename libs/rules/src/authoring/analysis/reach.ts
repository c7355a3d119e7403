import type { PolicySources } from '../checker.js';
import { DECISION_POINTS, type DecisionPoint } from '../../engine/decision-points.js';
import { factReference, walkConditions, type LoadedRule, type RuleProblem } from '../../engine/rule-file.js';
import { readsOf } from './condition-terms.js';
import { ask, type Outcome } from './counterexamples.js';
import { ACCOUNT_VALUES } from './fact-domains.js';
import { neverFiring } from './never-firing.js';
import { Analysis } from './reach-analysis.js';
import {
  combinationsOf,
  effectTypes,
  type Answer,
  type CombinationReach,
  type EffectReach,
  type PointReach,
  type ReachReport,
} from './reach-answers.js';
import type { Scope } from './reach-clauses.js';
import { effectProblems, neverFiringProblems, pointProblems } from './reach-problems.js';
import { minimalCore, proofOf } from './reach-proofs.js';
import { refutes } from './reach-search.js';

/**
 * Can a decision point ever allow, and can each rule with effects fire in an allowed decision?
 * (issue 23; "Reach" in libs/rules/README.md). A decision at a point allows when none of the
 * point's deny rules fires, so the question is whether some facts make every deny rule's
 * conditions fail, asked per combination of the account values the catalogue enumerates
 * (`account.style`, `account.kind`) that the point's rules read. Each answer is one of:
 * - yes, with a counterexample: the point's example facts changed as the search asks, decided
 *   with the real rule set, and allowed (with the rule's effects, for an effect);
 * - never, with a proof: every alternative of "no deny rule fires" meets conditions that can never
 *   hold together, naming the (fewest) deny rules and the conditions that cover it;
 * - unknown: the search gave up (too many alternatives) or found candidates it could not confirm.
 */

/** Every answer for every decision point, and the problems `check` reports from them. */
export async function analyseReach(
  rules: LoadedRule[],
  params: Record<string, unknown>,
  examples: Map<string, Record<string, unknown>>,
): Promise<ReachReport> {
  const analysis = new Analysis(rules, params, examples);
  const report: ReachReport = { points: [], neverFiring: [], problems: [] };
  for (const point of DECISION_POINTS) {
    if (!examples.has(point)) continue; // the checker reports the missing example
    const reach = await reachOf(analysis, point);
    report.points.push(reach);
    report.problems.push(...pointProblems(analysis, reach), ...effectProblems(analysis, reach));
  }
  report.neverFiring = neverFiring(analysis);
  report.problems.push(...neverFiringProblems(report.neverFiring, params));
  return report;
}

/** The problems of the reach analysis, for `check` and the reload gate; none while the files have problems of their own. */
export async function checkReach(
  sources: Pick<PolicySources, 'rules' | 'params' | 'examples' | 'problems'>,
): Promise<RuleProblem[]> {
  if (sources.problems.length > 0) return [];
  return (await analyseReach(sources.rules, sources.params, sources.examples)).problems;
}

async function reachOf(analysis: Analysis, point: DecisionPoint): Promise<PointReach> {
  const atPoint = analysis.rules.filter((r) => r.decisionPoints.includes(point));
  const denies = atPoint.filter((r) => r.severity === 'deny');
  const producers = atPoint.filter((r) => r.severity !== 'deny' && (r.effects?.length ?? 0) > 0);
  const fields = Object.keys(ACCOUNT_VALUES).filter((field) => atPoint.some((r) => reads(r, field)));
  const noDeny = denies.flatMap((d) => analysis.denyOf(d));
  const combinations: CombinationReach[] = [];
  for (const combination of combinationsOf(fields)) {
    const scope = analysis.scope(point, combination);
    const allowed = await ask(noDeny, scope, async (facts) => (await analysis.decide(point, facts))?.allowed === true);
    const allow = answer(allowed, () => {
      // Closed: one rule fires on every such request by the account values and params alone.
      const closedBy = denies.find((d) => (refutes(analysis.denyOf(d), scope)?.emptied.length ?? 0) > 0);
      const core = closedBy ? [closedBy] : minimalCore(analysis, denies, undefined, scope);
      return {
        kind: 'never',
        because: closedBy ? 'closed' : 'denied',
        proof: proofOf(
          core.flatMap((d) => analysis.denyOf(d)),
          scope,
        ),
        rules: core,
      };
    });
    const effects: EffectReach[] = [];
    for (const rule of producers)
      effects.push({
        rule,
        types: effectTypes(rule),
        answer: await effectAnswer(analysis, rule, denies, allow, scope),
      });
    combinations.push({ combination, allow, effects });
  }
  return { point, fields, combinations };
}

/** Can `rule` fire in an allowed decision in this scope? */
async function effectAnswer(
  analysis: Analysis,
  rule: LoadedRule,
  denies: LoadedRule[],
  allow: Answer,
  scope: Scope,
): Promise<Answer> {
  const fire = analysis.fireOf(rule);
  if (!fire) return { kind: 'unknown', reason: 'its conditions have too many alternatives to analyse' };
  if (refutes([fire], scope)) return { kind: 'never', because: 'dead', proof: proofOf([fire], scope), rules: [rule] };
  if (allow.kind === 'never')
    return { kind: 'never', because: 'point', proof: `${scope.point} never allows here`, rules: allow.rules };
  const outcome = await ask([fire, ...denies.flatMap((d) => analysis.denyOf(d))], scope, async (facts) => {
    const decision = await analysis.decide(scope.point, facts);
    return decision?.allowed === true && decision.effects.some((e) => e.ruleId === rule.id);
  });
  return answer(outcome, () => {
    const core = minimalCore(analysis, denies, rule, scope);
    return {
      kind: 'never',
      because: 'denied',
      proof: proofOf([fire, ...core.flatMap((d) => analysis.denyOf(d))], scope),
      rules: [rule, ...core],
    };
  });
}

/** A search outcome as an answer; a refutation gets its proof from `never`. */
function answer(outcome: Outcome, never: () => Answer): Answer {
  if (outcome.kind === 'found') return { kind: 'yes', facts: outcome.facts, changes: outcome.changes };
  if (outcome.kind === 'unknown') return { kind: 'unknown', reason: outcome.reason };
  return never();
}

/** Whether the rule reads the account value `field`, in a condition or as the value compared with. */
function reads(rule: LoadedRule, field: string): boolean {
  let found = false;
  walkConditions(rule.rule.conditions, '', (node) => {
    const ref = factReference(node.value);
    if (node.fact !== undefined && readsOf({ fact: node.fact, path: node.path ?? '' }) === field) found = true;
    if (ref && readsOf({ fact: ref.fact, path: ref.path ?? '' }) === field) found = true;
  });
  return found;
}
