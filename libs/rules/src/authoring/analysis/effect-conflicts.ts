import { readsOf, toTerms, type Term } from './condition-terms.js';
import type { DecisionPoint } from '../../engine/decision-points.js';
import { witnessValue } from './literal-logic.js';
import type { EffectTemplate, LoadedRule, RuleProblem } from '../../engine/rule-file.js';
import { RuleSet, type Decision, type Effect } from '../../engine/rule-set.js';
import { groupsOf, knownValue, termIsDead } from './self-contradictions.js';

/** Effects that undo each other: one decision must never ask for both on the same product and user. */
const OPPOSITE: Record<string, string> = {
  billing_start: 'billing_stop',
  billing_stop: 'billing_start',
  configuration_retained: 'configuration_restored',
  configuration_restored: 'configuration_retained',
};

const sameTarget = (a: Pick<EffectTemplate, 'productId' | 'userId'>, b: Pick<EffectTemplate, 'productId' | 'userId'>) =>
  (a.productId ?? '') === (b.productId ?? '') && (a.userId ?? '') === (b.userId ?? '');

/** A rule that declares both of two opposite effects for the same product and user template. */
export function ownOppositeEffects(rule: LoadedRule): RuleProblem[] {
  const effects = rule.effects ?? [];
  const problems: RuleProblem[] = [];
  effects.forEach((effect, j) => {
    const i = effects.findIndex(
      (other, k) => k < j && OPPOSITE[other.type] === effect.type && sameTarget(other, effect),
    );
    if (i >= 0) {
      problems.push({
        file: rule.file,
        path: `/effects/${j}`,
        problem: `${effect.type} contradicts ${effects[i]!.type} at /effects/${i}: whenever the rule fires it would do both for the same product and user`,
      });
    }
  });
  return problems;
}

/**
 * Two rules at one decision point whose effects undo each other (billing_start / billing_stop,
 * configuration_retained / configuration_restored) and whose conditions can hold at once. Reported
 * only with proof: facts (the point's example with the values the two rules' conditions need) at
 * which the whole rule set allows the change and its decision holds both effects for the same
 * product and user. Pairs the checker cannot build such facts for are not reported.
 */
export async function opposingEffectRules(
  rules: LoadedRule[],
  params: Record<string, unknown>,
  examples: Map<string, Record<string, unknown>>,
): Promise<RuleProblem[]> {
  const problems: RuleProblem[] = [];
  let ruleSet: RuleSet | undefined;
  const withEffects = rules.filter((r) => r.effects?.some((e) => OPPOSITE[e.type]));
  for (const [i, a] of withEffects.entries()) {
    for (const b of withEffects.slice(i + 1)) {
      const opposes = a.effects!.some((ea) => b.effects!.some((eb) => OPPOSITE[ea.type] === eb.type));
      const points = a.decisionPoints.filter((p) => b.decisionPoints.includes(p));
      if (!opposes || points.length === 0) continue;
      ruleSet ??= new RuleSet(rules, params, []);
      const proof = await findProof(ruleSet, a, b, points, params, examples);
      if (proof) problems.push(proof);
    }
  }
  return problems;
}

async function findProof(
  ruleSet: RuleSet,
  a: LoadedRule,
  b: LoadedRule,
  points: DecisionPoint[],
  params: Record<string, unknown>,
  examples: Map<string, Record<string, unknown>>,
): Promise<RuleProblem | undefined> {
  const termsA = toTerms(a.rule.conditions, params) ?? [];
  const termsB = toTerms(b.rule.conditions, params) ?? [];
  for (const point of points) {
    const example = examples.get(point);
    if (!example) continue;
    for (const term of termsA.flatMap((ta) => termsB.map((tb) => [...ta, ...tb]))) {
      if (termIsDead(term, params)) continue;
      const witness = witnessFacts(term, example, params);
      if (!witness) continue;
      const clash = await opposingEffects(ruleSet, point, witness.facts, a, b);
      if (!clash) continue;
      const ja = a.effects!.findIndex((e) => e.type === clash.a.type);
      const jb = b.effects!.findIndex((e) => e.type === clash.b.type);
      return {
        file: a.file,
        path: `/effects/${ja}`,
        problem:
          `${clash.a.type} contradicts ${clash.b.type} of ${b.file} (/effects/${jb}): at ${point} both rules fire when ${witness.described} ` +
          `(other facts as in examples/${point}.json), and the change is allowed with both effects for product ` +
          `${clash.a.productId ?? '-'} and user ${clash.a.userId ?? '-'}`,
      };
    }
  }
  return undefined;
}

/** The example facts changed so that every constant condition of the term holds, or undefined. */
function witnessFacts(term: Term, example: Record<string, unknown>, params: Record<string, unknown>) {
  const facts = structuredClone(example);
  const described: string[] = [];
  for (const group of groupsOf(term).values()) {
    if (knownValue(group, params)) continue; // params conditions are fixed; termIsDead checked them
    const keys = group[0]!.path
      .replace(/^\$\.?/, '')
      .split('.')
      .filter(Boolean);
    if (keys.some((k) => k.endsWith('[*]'))) return undefined;
    const holder =
      group[0]!.fact === 'product' ? (facts.products as Record<string, unknown>[] | undefined)?.[0] : facts;
    const root = group[0]!.fact === 'product' ? [] : [group[0]!.fact];
    const where = [...root, ...keys];
    if (!holder || where.length === 0) return undefined;
    const parent = where
      .slice(0, -1)
      .reduce<Record<string, unknown> | undefined>(
        (node, key) => node?.[key] as Record<string, unknown> | undefined,
        holder,
      );
    if (!parent || typeof parent !== 'object') return undefined;
    const found = witnessValue(group, parent[where.at(-1)!]);
    if (!found) return undefined;
    parent[where.at(-1)!] = found.value;
    described.push(`${readsOf(group[0]!)} = ${JSON.stringify(found.value)}`);
  }
  return { facts, described: described.join(', ') || 'the example facts hold' };
}

/** Runs the whole rule set on the facts; the opposite effects of a and b if the allowed decision has both. */
async function opposingEffects(
  ruleSet: RuleSet,
  point: DecisionPoint,
  facts: Record<string, unknown>,
  a: LoadedRule,
  b: LoadedRule,
): Promise<{ a: Effect; b: Effect } | undefined> {
  let decision: Decision;
  try {
    // Far in the future, so rules not yet in force are judged as they will be.
    decision = await ruleSet.decide(point, facts, { now: new Date('2100-01-01') });
  } catch {
    return undefined; // the example lacks a value some rule reads: no proof
  }
  if (!decision.allowed) return undefined;
  const effects = decision.effects;
  for (const ea of effects.filter((e) => e.ruleId === a.id)) {
    const eb = effects.find((e) => e.ruleId === b.id && OPPOSITE[ea.type] === e.type && sameTarget(ea, e));
    if (eb) return { a: ea, b: eb };
  }
  return undefined;
}
