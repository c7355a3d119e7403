import type { PolicySources } from '../checker.js';
import { DECISION_POINTS, type DecisionPoint } from '../../engine/decision-points.js';
import { factReference, walkConditions, type LoadedRule, type RuleProblem } from '../../engine/rule-file.js';
import { RuleSet, type Decision } from '../../engine/rule-set.js';
import { readsOf, toTerms, type Term } from './condition-terms.js';
import {
  ACCOUNT_VALUES,
  ask,
  decidedFalse,
  denyClauses,
  describeConflict,
  fireClause,
  phrase,
  refutes,
  simplify,
  type Clause,
  type Outcome,
  type Scope,
} from './reach-search.js';
import { selfContradictions } from './self-contradictions.js';

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

/** Account values a question fixes: `account.style` -> `goto`. */
export type Combination = ReadonlyMap<string, string>;

export type Answer =
  | { kind: 'yes'; facts: Record<string, unknown>; changes: string[] }
  | {
      kind: 'never';
      /**
       * denied: what the deny rules ask of the facts (a problem); closed: one deny rule fires on every
       * request with these account values, by them and params alone (a decision); point: the point
       * never allows here; dead: the rule itself never fires here.
       */
      because: 'denied' | 'closed' | 'point' | 'dead';
      proof: string;
      rules: LoadedRule[];
    }
  | { kind: 'unknown'; reason: string };

export interface EffectReach {
  rule: LoadedRule;
  types: string[];
  answer: Answer;
}

export interface CombinationReach {
  combination: Combination;
  allow: Answer;
  /** Each rule of the point with effects: can it fire in an allowed decision? */
  effects: EffectReach[];
}

export interface PointReach {
  point: DecisionPoint;
  /** The enumerated account values the point's rules read (the combinations are over these). */
  fields: string[];
  combinations: CombinationReach[];
}

/** A warn or info rule that can never fire (by its own conditions); switched off: only because of a params value. */
export interface RuleFiring {
  rule: LoadedRule;
  fires: 'never' | 'switched off';
  why: string;
  at: string;
}

export interface ReachReport {
  points: PointReach[];
  neverFiring: RuleFiring[];
  problems: RuleProblem[];
}

/** Decided far in the future, so every rule takes part as it will once in effect. */
const FAR_FUTURE = new Date('2100-01-01');

class Analysis {
  private readonly terms = new Map<LoadedRule, Term[] | null>();
  private readonly denies = new Map<LoadedRule, Clause[]>();
  private readonly fires = new Map<LoadedRule, Clause | undefined>();
  readonly ruleSet: RuleSet;

  constructor(
    readonly rules: LoadedRule[],
    readonly params: Record<string, unknown>,
    readonly examples: Map<string, Record<string, unknown>>,
  ) {
    this.ruleSet = new RuleSet(rules, params, []);
  }

  termsOf(rule: LoadedRule): Term[] | null {
    if (!this.terms.has(rule)) this.terms.set(rule, toTerms(rule.rule.conditions, this.params));
    return this.terms.get(rule)!;
  }

  /** "The deny rule does not fire"; none for a rule with too many alternatives (it takes no part). */
  denyOf(rule: LoadedRule): Clause[] {
    if (!this.denies.has(rule)) this.denies.set(rule, denyClauses(rule, this.termsOf(rule) ?? []));
    return this.denies.get(rule)!;
  }

  fireOf(rule: LoadedRule): Clause | undefined {
    if (!this.fires.has(rule)) {
      const terms = this.termsOf(rule);
      this.fires.set(rule, terms ? fireClause(rule, terms) : undefined);
    }
    return this.fires.get(rule);
  }

  scope(point: DecisionPoint, combination: Combination, paramsFree = false): Scope {
    return { point, params: this.params, fixed: combination, example: this.examples.get(point) ?? {}, paramsFree };
  }

  async decide(point: DecisionPoint, facts: Record<string, unknown>): Promise<Decision | undefined> {
    try {
      return await this.ruleSet.decide(point, facts, { now: FAR_FUTURE });
    } catch {
      return undefined; // facts the rules cannot decide prove nothing
    }
  }
}

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
  for (const firing of neverFiring(analysis)) {
    report.neverFiring.push(firing);
    const own = selfContradictions(firing.rule, params);
    // Contradictory conditions already say "so the rule can never fire".
    if (firing.fires === 'never' && (own.canFire || own.problems.length === 0))
      report.problems.push({
        file: firing.rule.file,
        path: firing.at,
        problem: `the rule can never fire: ${firing.why}`,
      });
  }
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
    for (const rule of producers) {
      const types = [...new Set(rule.effects!.map((e) => e.type))];
      effects.push({ rule, types, answer: await effectAnswer(analysis, rule, denies, allow, scope) });
    }
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

function answer(outcome: Outcome, never: () => Answer): Answer {
  if (outcome.kind === 'found') return { kind: 'yes', facts: outcome.facts, changes: outcome.changes };
  if (outcome.kind === 'unknown') return { kind: 'unknown', reason: outcome.reason };
  return never();
}

/** Deny rules that still refute the question without any one of them (all of them needed). */
function minimalCore(
  analysis: Analysis,
  denies: LoadedRule[],
  target: LoadedRule | undefined,
  scope: Scope,
): LoadedRule[] {
  const fire = target ? [analysis.fireOf(target)!] : [];
  let core = denies.filter((d) => analysis.denyOf(d).length > 0);
  for (const rule of [...core]) {
    const rest = core.filter((r) => r !== rule);
    if (refutes([...fire, ...rest.flatMap((r) => analysis.denyOf(r))], scope)) core = rest;
  }
  return core;
}

/**
 * A refutation in words: what each rule needs here (its conditions with what the params and the
 * account values decide taken out) and the conditions among those that never hold together.
 */
function proofOf(clauses: Clause[], scope: Scope): string {
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
        `${rule.id} fires on every such request (${term.length ? term.map((l) => phrase(l, point)).join(' and ') : 'it has no conditions'})`,
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

function reads(rule: LoadedRule, field: string): boolean {
  let found = false;
  walkConditions(rule.rule.conditions, '', (node) => {
    const ref = factReference(node.value);
    if (node.fact !== undefined && readsOf({ fact: node.fact, path: node.path ?? '' }) === field) found = true;
    if (ref && readsOf({ fact: ref.fact, path: ref.path ?? '' }) === field) found = true;
  });
  return found;
}

/** Every combination of values of `fields` that agrees with `base`. */
function combinationsOf(fields: string[], base: Combination = new Map()): Combination[] {
  return fields.reduce<Combination[]>(
    (combinations, field) =>
      base.has(field)
        ? combinations
        : combinations.flatMap((c) => ACCOUNT_VALUES[field]!.map((v) => new Map([...c, [field, v]]))),
    [new Map(base)],
  );
}

/** The account values a refutation needs: each value it holds without, for every value, is left out. */
function generalize(
  analysis: Analysis,
  point: DecisionPoint,
  combination: Combination,
  fields: string[],
  clauses: Clause[],
): Combination {
  let kept = new Map(combination);
  for (const field of fields) {
    const trial = new Map(kept);
    trial.delete(field);
    if (combinationsOf(fields, trial).every((c) => refutes(clauses, analysis.scope(point, c)))) kept = trial;
  }
  return kept;
}

export const describeCombination = (c: Combination): string =>
  c.size === 0 ? 'any account' : [...c].map(([field, value]) => `${field} "${value}"`).join(', ');

const ruleIds = (rules: LoadedRule[]) => rules.map((r) => r.id).join(' ');

/** The rule a conflict between rules is reported at: the newest (the one that most likely broke the others). */
const newest = (rules: LoadedRule[]) =>
  [...rules].sort((a, b) => a.effectiveDate.localeCompare(b.effectiveDate) || a.file.localeCompare(b.file)).at(-1)!;

/**
 * A point that never allows for some account values because of what its deny rules ask of the
 * other facts (rules that exclude each other, or one that always fires), or that never allows for
 * any account at all. A rule that closes the point to some accounts by their values alone (as
 * sales-managed accounts to purchases) is a decision, not a problem.
 */
function pointProblems(analysis: Analysis, reach: PointReach): RuleProblem[] {
  const problems = new Map<string, RuleProblem>();
  for (const { combination, allow } of reach.combinations) {
    if (allow.kind !== 'never' || allow.because !== 'denied') continue;
    const clauses = allow.rules.flatMap((r) => analysis.denyOf(r));
    const general = generalize(analysis, reach.point, combination, reach.fields, clauses);
    const key = `${ruleIds(allow.rules)}|${describeCombination(general)}`;
    if (problems.has(key)) continue;
    problems.set(key, {
      file: newest(allow.rules).file,
      path: '/rule/conditions',
      problem: `${reach.point} can never allow for ${describeCombination(general)} (proof): ${proofOf(clauses, analysis.scope(reach.point, general))}`,
    });
  }
  const never = reach.combinations.flatMap(({ combination, allow }) =>
    allow.kind === 'never' ? [{ combination, rules: allow.rules }] : [],
  );
  if (problems.size === 0 && never.length === reach.combinations.length && never.length > 0) {
    const parts = proofParts(
      analysis,
      reach,
      never.map(({ combination, rules }) => ({
        combination,
        rules,
        clauses: rules.flatMap((r) => analysis.denyOf(r)),
      })),
    );
    problems.set('all', {
      file: newest(never[0]!.rules).file,
      path: '/rule/conditions',
      problem: `${reach.point} can never allow for any account (proof): ${parts.join('; ')}`,
    });
  }
  return [...problems.values()];
}

/**
 * A rule with effects that can fire, but never in an allowed decision: its effects never apply.
 * Not reported where the point itself is reported as never allowing.
 */
function effectProblems(analysis: Analysis, reach: PointReach): RuleProblem[] {
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
    const items = firing.map(({ combination, allow, answer: a }) => {
      // Where the point never allows, its own proof; elsewhere the rule and the deny rules that exclude it.
      const rules = a.kind === 'never' && a.because !== 'point' ? a.rules : allow.kind === 'never' ? allow.rules : [];
      const fire = a.kind === 'never' && a.because !== 'point' ? [analysis.fireOf(rule)!] : [];
      return {
        combination,
        rules,
        clauses: [...fire, ...rules.filter((r) => r !== rule).flatMap((r) => analysis.denyOf(r))],
      };
    });
    const types = [...new Set(rule.effects!.map((e) => e.type))];
    problems.push({
      file: rule.file,
      path: '/effects/0',
      problem: `${types.join(' and ')} can never occur in an allowed decision at ${reach.point} (proof): ${proofParts(analysis, reach, items).join('; ')}`,
    });
  }
  return problems;
}

/** Refutations in words, each for the fewest account values it needs (`for account.style "goto": ...`). */
function proofParts(
  analysis: Analysis,
  reach: PointReach,
  items: { combination: Combination; rules: LoadedRule[]; clauses: Clause[] }[],
): string[] {
  const parts = new Map<string, string>();
  for (const { combination, rules, clauses } of items) {
    const general = generalize(analysis, reach.point, combination, reach.fields, clauses);
    const key = `${ruleIds(rules)}|${describeCombination(general)}`;
    if (parts.has(key)) continue;
    const proof = proofOf(clauses, analysis.scope(reach.point, general));
    parts.set(key, general.size ? `for ${describeCombination(general)}: ${proof}` : proof);
  }
  return [...parts.values()];
}

/** Warn and info rules that can never fire at any of their points, whatever the other rules do. */
function neverFiring(analysis: Analysis): RuleFiring[] {
  const out: RuleFiring[] = [];
  for (const rule of analysis.rules.filter((r) => r.severity !== 'deny')) {
    const fire = analysis.fireOf(rule);
    if (!fire) continue;
    const scopes = rule.decisionPoints.map((p) => analysis.scope(p, new Map()));
    const refuted = scopes.map((s) => refutes([fire], s));
    if (refuted.some((r) => !r)) continue;
    const free = scopes.map((s) => refutes([fire], { ...s, paramsFree: true }));
    const switchedOff = free.some((r) => !r);
    const scope = switchedOff ? scopes[0]! : { ...scopes[0]!, paramsFree: true };
    const why = switchedOff
      ? `${decidedFalse(fire, scope)
          .map((l) => phrase(l, scope.point))
          .join(', ')} never hold(s) with the data files`
      : whyDead(refutes([fire], scope)!, fire, scope);
    const first = refutes([fire], scope)!.conflicts[0]?.literals[0];
    out.push({ rule, fires: switchedOff ? 'switched off' : 'never', why, at: first?.at ?? '/rule/conditions' });
  }
  return out;
}

function whyDead(refuted: NonNullable<ReturnType<typeof refutes>>, fire: Clause, scope: Scope): string {
  if (refuted.emptied.length > 0 || fire.alts.length === 0)
    return 'its conditions have no alternative (an empty "any")';
  const seen = refuted.conflicts.map(
    (c) => `${describeConflict(c, scope.point)} (${c.literals.map((l) => l.at).join(', ')})`,
  );
  return fire.alts.length > 1 ? `every alternative fails: ${seen.join('; ')}` : seen.join('; ');
}
