import { factShape, type FactShape } from '../../engine/catalogue.js';
import type { DecisionPoint } from '../../engine/decision-points.js';
import { lookup } from '../../engine/render.js';
import { factReference, type ConditionNode, type LoadedRule } from '../../engine/rule-file.js';
import { shapeAtPath } from '../fact-shapes.js';
import { describeLiteral, readsOf, type Literal, type Term } from './condition-terms.js';
import { holds, unsatisfiable, witnessValue } from './literal-logic.js';

/**
 * The search behind "can this decision point ever allow?" and "can this rule fire in an allowed
 * decision?" (reach.ts asks the questions). A question is a conjunction of clauses, each a
 * disjunction of alternatives (conjunctions of literals): "deny rule R does not fire" is, for each
 * term of R's conditions, one of its literals negated; "rule E fires" is one of E's terms. The
 * search walks the alternatives of this conjunction in disjunctive normal form depth first,
 * dropping a branch as soon as the literals it chose on one fact value can never hold together
 * (literal-logic.ts, plus the finite values the catalogue gives some paths). Every branch that
 * survives is turned into facts (the point's example facts changed as the branch asks) that the
 * caller decides with the real rule set; when no branch survives, the conflicts met are the proof.
 */

/**
 * The account values the catalogue enumerates (catalogue.ts, the `account` fact's description):
 * each decision point is answered per combination of those its rules read.
 */
export const ACCOUNT_VALUES: Readonly<Record<string, readonly string[]>> = {
  'account.style': ['goto', 'zendesk'],
  'account.kind': ['self_service', 'sales_managed'],
};

/** Every string value with a closed set of values in the catalogue that the analysis relies on. */
export const ENUMERATED_VALUES: Readonly<Record<string, readonly string[]>> = {
  ...ACCOUNT_VALUES,
  'actor.kind': ['user', 'service'],
};

/** Above this many alternatives tried, a question is answered "unknown" (as toTerms' MAX_TERMS for one rule). */
export const MAX_STEPS = 4096;
/** At most this many different facts are decided per question before it is answered "unknown". */
export const MAX_DECIDED = 16;

/** One disjunction of a question; `rule` is where its literals come from. */
export interface Clause {
  rule: LoadedRule;
  /** deny: the rule must not fire (one literal of `term`, negated); fire: the rule fires (one of its terms). */
  role: 'deny' | 'fire';
  alts: Literal[][];
  /** deny: the term of the rule's conditions this clause negates. */
  term?: Term;
}

/** The rule each literal of a question comes from (negated copies included). */
const OWNER = new WeakMap<Literal, LoadedRule>();
const own = (rule: LoadedRule, l: Literal) => (OWNER.set(l, rule), l);

/** "R does not fire": for each term of R, one of its literals must fail. */
export const denyClauses = (rule: LoadedRule, terms: Term[]): Clause[] =>
  terms.map((term) => ({
    rule,
    role: 'deny',
    term,
    alts: term.map((l) => [own(rule, { ...l, negated: !l.negated })]),
  }));

/** "R fires": one of its terms holds. */
export const fireClause = (rule: LoadedRule, terms: Term[]): Clause => ({
  rule,
  role: 'fire',
  alts: terms.map((term) => term.map((l) => own(rule, l))),
});

/** What a question is asked about. */
export interface Scope {
  point: DecisionPoint;
  params: Record<string, unknown>;
  /** Values fixed by the question: the account values of the combination (`account.style` -> `goto`). */
  fixed: ReadonlyMap<string, unknown>;
  /** The point's example facts: the starting point of every counterexample. */
  example: Record<string, unknown>;
  /** Conditions on params, or comparing with a params value, count as "either way" (to tell a rule switched off by data). */
  paramsFree?: boolean;
}

/** Literals that can never hold together on one fact value (all of them needed), and the values that path may have. */
export interface Conflict {
  literals: Literal[];
  domain?: readonly unknown[];
}

/** A branch that survived: the literals chosen, grouped by the fact value they read. */
interface State {
  groups: Map<string, Literal[]>;
  chosen: Literal[];
  ids: Set<string>;
}

class GaveUp extends Error {}

const idOf = (l: Literal) => `${OWNER.get(l)?.id ?? ''}${l.at}${l.negated}`;
const fromParams = (l: Literal) => l.constant && l.valueLabel.startsWith('params');

/** The shape the catalogue gives a fact path at a point (undefined when it does not know it). */
export function shapeOf(fact: string, path: string, point: DecisionPoint): FactShape | undefined {
  // A `[*]` path gives a single match as the bare value (operators.ts), whatever the catalogue says.
  if (path.includes('[')) return undefined;
  const root = factShape(fact, point);
  return root ? shapeAtPath(root, path || undefined, fact).shape : undefined;
}

/** The values a fact path can have when the catalogue lists them all (booleans, enumerated strings). */
export function domainOf(l: Pick<Literal, 'fact' | 'path'>, point: DecisionPoint): readonly unknown[] | undefined {
  const enumerated = ENUMERATED_VALUES[readsOf(l)];
  if (enumerated) return enumerated;
  const shape = shapeOf(l.fact, l.path, point);
  if (shape?.type === 'boolean') return shape.nullable ? [true, false, null] : [true, false];
  return undefined;
}

const unsat = (group: Literal[], domain: readonly unknown[] | undefined) =>
  domain ? !domain.some((v) => group.every((l) => holds(l, v))) : unsatisfiable(group);

function minimal(group: Literal[], domain: readonly unknown[] | undefined): Literal[] {
  let kept = group;
  for (const l of group) {
    const without = kept.filter((k) => k !== l);
    if (unsat(without, domain)) kept = without;
  }
  return kept;
}

type Kind = 'true' | 'false' | 'free' | 'constrain';

/** A literal is decided by the params or the combination, left to the decision ("free"), or constrains a fact value. */
function classify(l: Literal, scope: Scope): Kind {
  if (!l.constant || (scope.paramsFree && (l.fact === 'params' || fromParams(l)))) return 'free';
  if (l.fact === 'params') {
    const dotted = l.path.replace(/^\$\.?/, '');
    return holds(l, dotted === '' ? scope.params : lookup(scope.params, dotted)) ? 'true' : 'false';
  }
  const key = readsOf(l);
  if (scope.fixed.has(key)) return holds(l, scope.fixed.get(key)) ? 'true' : 'false';
  return 'constrain';
}

/** The literals of a clause that the params or the combination make false (why none of its alternatives can hold). */
export const decidedFalse = (clause: Clause, scope: Scope): Literal[] => [
  ...new Set(clause.alts.flatMap((alt) => alt.filter((l) => classify(l, scope) === 'false'))),
];

/**
 * The clauses with what the params and the combination decide taken out: an alternative with a
 * false literal goes, true literals go from their alternative, a clause with an alternative left
 * empty always holds. `emptied` are clauses no alternative of which can hold here. Alternatives are
 * ordered by how close the example facts already are to them.
 */
export function simplify(clauses: Clause[], scope: Scope): { clauses: Clause[]; emptied: Clause[] } {
  const live: Clause[] = [];
  const emptied: Clause[] = [];
  for (const clause of clauses) {
    const alts: { alt: Literal[]; misses: number }[] = [];
    let holdsAlready = false;
    for (const alt of clause.alts) {
      const kinds = alt.map((l) => classify(l, scope));
      if (kinds.includes('false')) continue;
      const rest = alt.filter((_, i) => kinds[i] !== 'true');
      if (rest.length === 0) {
        holdsAlready = true;
        break;
      }
      const misses = rest.filter((l) => !(l.constant && holds(l, exampleValue(l, scope.example)))).length;
      alts.push({ alt: rest, misses });
    }
    if (holdsAlready) continue;
    if (alts.length === 0) emptied.push(clause);
    else live.push({ ...clause, alts: alts.sort((a, b) => a.misses - b.misses).map((a) => a.alt) });
  }
  // "Fires" first (it pins values), then the clauses with fewest alternatives.
  live.sort((a, b) => Number(b.role === 'fire') - Number(a.role === 'fire') || a.alts.length - b.alts.length);
  return { clauses: live, emptied };
}

interface Run {
  scope: Scope;
  steps: number;
  conflicts: Map<string, Conflict>;
}

function* branches(clauses: Clause[], i: number, state: State, run: Run): Generator<State> {
  if (i === clauses.length) {
    yield state;
    return;
  }
  const clause = clauses[i]!;
  if (clause.alts.some((alt) => alt.every((l) => state.ids.has(idOf(l))))) {
    yield* branches(clauses, i + 1, state, run);
    return;
  }
  for (const alt of clause.alts) {
    if (++run.steps > MAX_STEPS) throw new GaveUp();
    const next = extend(state, alt, run);
    if (next) yield* branches(clauses, i + 1, next, run);
  }
}

function extend(state: State, alt: Literal[], run: Run): State | undefined {
  const groups = new Map(state.groups);
  for (const l of alt) {
    if (classify(l, run.scope) !== 'constrain') continue;
    const key = readsOf(l);
    const group = [...(groups.get(key) ?? []), typed(l, run.scope.point)];
    const domain = domainOf(l, run.scope.point);
    if (unsat(group, domain)) {
      const literals = minimal(group, domain);
      run.conflicts.set(literals.map(idOf).sort().join(' '), { literals, ...(domain ? { domain } : {}) });
      return undefined;
    }
    groups.set(key, group);
  }
  return { groups, chosen: [...state.chosen, ...alt], ids: new Set([...state.ids, ...alt.map(idOf)]) };
}

const newRun = (scope: Scope): Run => ({ scope, steps: 0, conflicts: new Map() });
const emptyState = (): State => ({ groups: new Map(), chosen: [], ids: new Set() });

/**
 * Whether the clauses can never hold together (no branch survives), with the conflicts met;
 * undefined when some branch survives or the search gave up.
 */
export function refutes(clauses: Clause[], scope: Scope): { conflicts: Conflict[]; emptied: Clause[] } | undefined {
  const { clauses: live, emptied } = simplify(clauses, scope);
  if (emptied.length > 0) return { conflicts: [], emptied };
  const run = newRun(scope);
  try {
    if (!branches(live, 0, emptyState(), run).next().done) return undefined;
  } catch (error) {
    if (error instanceof GaveUp) return undefined;
    throw error;
  }
  return { conflicts: [...run.conflicts.values()], emptied: [] };
}

export type Outcome =
  | { kind: 'found'; facts: Record<string, unknown>; changes: string[] }
  | { kind: 'refuted'; conflicts: Conflict[]; emptied: Clause[] }
  | { kind: 'unknown'; reason: string };

/**
 * Searches facts for which every clause holds: each surviving branch becomes facts that `confirm`
 * decides with the real rule set; the first confirmed is the answer. No surviving branch is a
 * refutation; surviving branches none of which is confirmed (or too many) leave it unknown.
 */
export async function ask(
  clauses: Clause[],
  scope: Scope,
  confirm: (facts: Record<string, unknown>) => Promise<boolean>,
): Promise<Outcome> {
  const { clauses: live, emptied } = simplify(clauses, scope);
  if (emptied.length > 0) return { kind: 'refuted', conflicts: [], emptied };
  const run = newRun(scope);
  const reasons = new Set<string>();
  const tried = new Set<string>();
  let survived = 0;
  try {
    for (const state of branches(live, 0, emptyState(), run)) {
      survived += 1;
      const built = buildFacts(state, scope);
      if ('reason' in built) {
        reasons.add(built.reason);
        continue;
      }
      const key = JSON.stringify(built.facts);
      if (tried.has(key)) continue;
      tried.add(key);
      if (await confirm(built.facts)) return { kind: 'found', ...built };
      if (tried.size >= MAX_DECIDED) break;
    }
  } catch (error) {
    if (!(error instanceof GaveUp)) throw error;
    reasons.add(`more than ${MAX_STEPS} alternatives to try`);
  }
  if (survived === 0 && reasons.size === 0) return { kind: 'refuted', conflicts: [...run.conflicts.values()], emptied };
  if (tried.size > 0)
    reasons.add(
      `${tried.size} set(s) of facts built from the conditions did not come out as needed when decided ` +
        '(conditions comparing two facts, or values the analysis cannot relate)',
    );
  return { kind: 'unknown', reason: [...reasons].join('; ') };
}

/** Where a fact value sits in facts (`product` is the first of `products`); undefined for `[*]` paths. */
function place(
  facts: Record<string, unknown>,
  fact: string,
  path: string,
): { holder: Record<string, unknown>; key: string; label: string } | undefined {
  const keys = path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean);
  if (keys.some((k) => k.includes('['))) return undefined;
  const perProduct = fact === 'product';
  const root: unknown = perProduct ? (facts.products as unknown[] | undefined)?.[0] : facts;
  const where = perProduct ? keys : [fact, ...keys];
  if (where.length === 0) return undefined;
  let holder = root;
  for (const key of where.slice(0, -1)) holder = isObject(holder) ? holder[key] : undefined;
  if (!isObject(holder)) return undefined;
  return { holder, key: where.at(-1)!, label: perProduct ? ['products[0]', ...keys].join('.') : where.join('.') };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function exampleValue(l: Literal, example: Record<string, unknown>): unknown {
  const at = place(example, l.fact, l.path);
  return at?.holder[at.key];
}

/**
 * The example facts changed so that every literal chosen on a branch holds: each fact value gets
 * the first value of its type (the example's own value first) for which all the literals on it
 * hold. A literal comparing with another fact's value is tried with that value as the facts have it.
 */
function buildFacts(
  state: State,
  scope: Scope,
): { facts: Record<string, unknown>; changes: string[] } | { reason: string } {
  const facts = structuredClone(scope.example);
  const set = new Map<string, { at: NonNullable<ReturnType<typeof place>>; before: unknown }>();
  const assign = (fact: string, path: string, value: unknown) => {
    const at = place(facts, fact, path);
    if (!at) return false;
    if (!set.has(at.label)) set.set(at.label, { at, before: at.holder[at.key] });
    at.holder[at.key] = value;
    return true;
  };
  for (const [key, value] of scope.fixed) {
    const [fact, ...path] = key.split('.');
    if (!assign(fact!, `$.${path.join('.')}`, value)) return { reason: `${key} cannot be set in the example facts` };
  }
  const groups = new Map(state.groups);
  const solve = (key: string, literals: Literal[]) => {
    const { fact, path } = literals[0]!;
    const at = place(facts, fact, path);
    if (!at) return `${key} cannot be set in the example facts (a path with [*], or not in them)`;
    const found = witness(
      literals,
      at.holder[at.key],
      shapeOf(fact, path, scope.point),
      domainOf(literals[0]!, scope.point),
    );
    if (!found) return `no value of ${key} found for ${literals.map(describeLiteral).join(' and ')}`;
    assign(fact, path, found.value);
    return undefined;
  };
  for (const [key, literals] of groups) {
    const reason = solve(key, literals);
    if (reason) return { reason };
  }
  // A comparison with another fact: tried with that fact's value as the facts now have it.
  for (const l of state.chosen) {
    if (l.constant || l.fact === 'params') continue;
    const ref = referenceOf(l);
    if (!ref || ref.fact === 'params') continue;
    const at = place(facts, ref.fact, ref.path ?? '');
    if (!at) continue;
    const key = readsOf(l);
    const literals = [...(groups.get(key) ?? []), { ...l, value: at.holder[at.key], constant: true }];
    if (!solve(key, literals)) groups.set(key, literals);
  }
  const changes = [...set.entries()]
    .filter(([, { at, before }]) => JSON.stringify(at.holder[at.key]) !== JSON.stringify(before))
    .map(([label, { at }]) => `${label} = ${JSON.stringify(at.holder[at.key])}`);
  return { facts, changes };
}

/** The fact a literal's value names (`{ "fact": "request", "path": "$.newTotal" }`), from its rule file. */
function referenceOf(l: Literal): { fact: string; path?: string } | undefined {
  const rule = OWNER.get(l);
  if (!rule) return undefined;
  let node: unknown = rule.rule.conditions;
  for (const key of l.at
    .replace(/^\/rule\/conditions\/?/, '')
    .split('/')
    .filter(Boolean))
    node = isObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined;
  return isObject(node) ? factReference((node as ConditionNode).value) : undefined;
}

const isPrimitive = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** A value of the path's type (its listed values first) for which every literal holds, the preferred one first. */
function witness(
  literals: Literal[],
  preferred: unknown,
  shape: FactShape | undefined,
  domain: readonly unknown[] | undefined,
): { value: unknown } | undefined {
  if (!shape) return witnessValue(literals, preferred);
  const candidates = domain ? [preferred, ...domain] : typedCandidates(literals, preferred, shape);
  const i = candidates.findIndex((v) => fits(v, shape) && literals.every((l) => holds(l, v)));
  return i < 0 ? undefined : { value: candidates[i] };
}

function typedCandidates(literals: Literal[], preferred: unknown, shape: FactShape): unknown[] {
  const scalars = literals.flatMap((l) => (Array.isArray(l.value) ? l.value : [l.value])).filter(isPrimitive);
  const nullable = 'nullable' in shape && shape.nullable ? [null] : [];
  switch (shape.type) {
    case 'number': {
      const numbers = scalars.filter((v): v is number => typeof v === 'number');
      return [preferred, ...numbers, ...numbers.flatMap((n) => [n - 1, n + 1]), 0, 1, ...nullable];
    }
    case 'string':
      return [preferred, ...scalars.filter((v) => typeof v === 'string'), 'witness', '', ...nullable];
    case 'boolean':
      return [preferred, true, false, ...nullable];
    case 'list': {
      const items = scalars.filter((v) => fits(v, shape.items));
      const base = Array.isArray(preferred) ? preferred : [];
      const fillers = shape.items.type === 'number' ? [[0], [0, 1]] : [['witness'], ['witness', 'other']];
      return [
        preferred,
        [],
        items,
        ...items.map((v) => [v]),
        ...items.map((v) => [...base, v]),
        ...items.map((v) => base.filter((b) => b !== v)),
        ...fillers,
      ];
    }
    default:
      return [preferred];
  }
}

function fits(value: unknown, shape: FactShape): boolean {
  switch (shape.type) {
    case 'unknown':
      return true;
    case 'null':
      return value === null;
    case 'list':
      return Array.isArray(value) && value.every((v) => fits(v, shape.items));
    case 'object':
      return isObject(value);
    case 'number':
      return (typeof value === 'number' && Number.isFinite(value)) || (shape.nullable === true && value === null);
    default:
      return typeof value === shape.type || (shape.nullable === true && value === null);
  }
}

const INVERSE: Record<string, string> = {
  equal: 'notEqual',
  notEqual: 'equal',
  in: 'notIn',
  notIn: 'in',
  containsAny: 'containsNone',
  containsNone: 'containsAny',
};
/** Exact opposites only for a value of the type they validate (json-rules-engine: a list; a number). */
const ON_LISTS: Record<string, string> = { contains: 'doesNotContain', doesNotContain: 'contains' };
const ON_NUMBERS: Record<string, string> = {
  lessThan: 'greaterThanInclusive',
  lessThanInclusive: 'greaterThan',
  greaterThan: 'lessThanInclusive',
  greaterThanInclusive: 'lessThan',
};

/** The opposite operator of a negated literal where it is exact for every value of the path's type. */
function opposite(l: Literal, point: DecisionPoint, always: boolean): string | undefined {
  const shape = shapeOf(l.fact, l.path, point);
  return (
    (always ? INVERSE[l.operator] : undefined) ??
    (shape?.type === 'list' ? ON_LISTS[l.operator] : undefined) ??
    (shape?.type === 'number' && !shape.nullable ? ON_NUMBERS[l.operator] : undefined)
  );
}

/**
 * A negated literal on a list or a number as the opposite operator, which the literal reasoning
 * understands (`not contains` also holds for a value that is no list; the catalogue says it is one).
 */
function typed(l: Literal, point: DecisionPoint): Literal {
  const operator = l.negated ? opposite(l, point, false) : undefined;
  return operator ? own(OWNER.get(l)!, { ...l, operator, negated: false }) : l;
}

/** A literal in the words of the rule files, a negation as the opposite operator where that is exact. */
export function phrase(l: Literal, point: DecisionPoint): string {
  const operator = l.negated ? opposite(l, point, true) : undefined;
  return operator ? `${readsOf(l)} ${operator} ${l.valueLabel}` : describeLiteral(l);
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
