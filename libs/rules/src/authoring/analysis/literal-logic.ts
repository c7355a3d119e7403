import { Engine } from 'json-rules-engine';
import type { Literal } from './condition-terms.js';
import { addCustomOperators } from '../../engine/operators.js';

/**
 * Reasoning about literals that read the same fact value. Every conclusion is checked against the
 * operators json-rules-engine really runs (validators included), so "can never hold together" is
 * only said when it is true for every possible value; when in doubt the answer is "can hold".
 */

interface Operator {
  evaluate(factValue: unknown, jsonValue: unknown): boolean;
}

const operators = (() => {
  const engine = new Engine();
  addCustomOperators(engine);
  // OperatorMap.get resolves decorated names (not:equal) too; it is not in the published types.
  return (engine as unknown as { operators: { get(name: string): Operator | undefined } }).operators;
})();

/** Whether a constant literal holds for this fact value, exactly as the engine decides it. */
export function holds(l: Literal, factValue: unknown): boolean {
  const operator = operators.get(l.operator);
  if (!operator) return false;
  let result: boolean;
  try {
    result = operator.evaluate(factValue, l.value) === true;
  } catch {
    result = false; // the engine's run would fail; the rule does not fire on such a value
  }
  return l.negated ? !result : result;
}

const isPrimitive = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const NUMERIC = new Set(['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive']);

/**
 * True when no value satisfies every literal (all read the same fact value and are constant).
 * Decided for: pinned values (equal, in), numeric bounds (one real number), list membership
 * (contains, doesNotContain, containsAny, containsNone). Anything else counts as satisfiable.
 */
export function unsatisfiable(literals: Literal[], known?: { value: unknown }): boolean {
  if (known) return !literals.every((l) => holds(l, known.value));
  const pinned = pinnedValues(literals);
  if (pinned) return !pinned.some((v) => literals.every((l) => holds(l, v)));
  return emptyInterval(literals) || listConflict(literals);
}

/**
 * A smallest subset of literals that is still unsatisfiable (each one is needed), so a message
 * names only the conditions that clash. Assumes `unsatisfiable(literals)`.
 */
export function minimalConflict(literals: Literal[], known?: { value: unknown }): Literal[] {
  let kept = literals;
  for (const l of literals) {
    const without = kept.filter((k) => k !== l);
    if (unsatisfiable(without, known)) kept = without;
  }
  return kept;
}

/** Values the literals allow at most, when an `equal` or `in` pins them to a finite set. */
function pinnedValues(literals: Literal[]): unknown[] | null {
  let values: unknown[] | null = null;
  for (const l of literals) {
    let allowed: unknown[] | null = null;
    const positive = (op: string) => (l.operator === op && !l.negated) || (l.operator === inverse[op] && l.negated);
    if (positive('equal') && isPrimitive(l.value)) allowed = [l.value];
    if (positive('in') && Array.isArray(l.value) && l.value.every(isPrimitive)) allowed = l.value;
    if (allowed) values = values === null ? allowed : values.filter((v) => allowed.includes(v));
  }
  return values;
}

const inverse: Record<string, string> = { equal: 'notEqual', in: 'notIn' };

/**
 * Numeric operators compare Number(fact) with a number, and hold for no value that is not
 * numeric; so when any holds, all of them constrain one real number. A negated bound flips only
 * then (not (x < 5) also holds for "abc", so alone it constrains nothing).
 */
function emptyInterval(literals: Literal[]): boolean {
  const bounds = literals.filter(
    (l) => NUMERIC.has(l.operator) && typeof l.value === 'number' && Number.isFinite(l.value),
  );
  if (!bounds.some((l) => !l.negated)) return false;
  let low = -Infinity,
    lowOpen = false,
    high = Infinity,
    highOpen = false;
  for (const l of bounds) {
    const v = l.value as number;
    const op = l.negated ? FLIP[l.operator]! : l.operator;
    if (op.startsWith('greaterThan')) {
      const open = op === 'greaterThan';
      if (v > low || (v === low && open)) [low, lowOpen] = [v, open];
    } else {
      const open = op === 'lessThan';
      if (v < high || (v === high && open)) [high, highOpen] = [v, open];
    }
  }
  return low > high || (low === high && (lowOpen || highOpen));
}

const FLIP: Record<string, string> = {
  lessThan: 'greaterThanInclusive',
  lessThanInclusive: 'greaterThan',
  greaterThan: 'lessThanInclusive',
  greaterThanInclusive: 'lessThan',
};

/**
 * List membership on the elements of the fact (contains and doesNotContain also need a list):
 * an element that must be in and must be out, or a containsAny whose every candidate is excluded.
 */
function listConflict(literals: Literal[]): boolean {
  const isList = literals.some((l) => !l.negated && (l.operator === 'contains' || l.operator === 'doesNotContain'));
  const mustHave: unknown[] = [];
  const mustLack: unknown[] = [];
  const someOf: unknown[][] = [];
  for (const l of literals) {
    // containsAny / containsNone read a scalar value as a list of one and null as no list.
    const list = Array.isArray(l.value) ? l.value : l.value === undefined || l.value === null ? [] : [l.value];
    const op = l.negated ? LIST_NEGATION[l.operator] : l.operator;
    if (op === 'contains' && (!l.negated || isList)) mustHave.push(l.value);
    if (op === 'doesNotContain' && (!l.negated || isList)) mustLack.push(l.value);
    if (op === 'containsAny') someOf.push(list);
    if (op === 'containsNone') mustLack.push(...list);
  }
  return mustHave.some((v) => mustLack.includes(v)) || someOf.some((list) => list.every((v) => mustLack.includes(v)));
}

const LIST_NEGATION: Record<string, string> = {
  contains: 'doesNotContain',
  doesNotContain: 'contains',
  containsAny: 'containsNone',
  containsNone: 'containsAny',
};

/**
 * A value for which every literal holds, tried from the preferred value (the example facts'),
 * then values built from the literals' own constants; undefined when none of those fits.
 */
export function witnessValue(literals: Literal[], preferred: unknown): { value: unknown } | undefined {
  for (const value of candidates(literals, preferred)) {
    if (literals.every((l) => holds(l, value))) return { value };
  }
  return undefined;
}

function candidates(literals: Literal[], preferred: unknown): unknown[] {
  const out: unknown[] = [preferred];
  const scalars = literals.flatMap((l) => (Array.isArray(l.value) ? l.value : [l.value])).filter(isPrimitive);
  out.push(...scalars);
  for (const n of scalars.filter((v): v is number => typeof v === 'number')) out.push(n - 1, n + 1, n - 0.5, n + 0.5);
  out.push(0, '', 'witness', true, false, null);
  // Lists: empty, every constant, each constant alone, the preferred list plus or minus one.
  out.push([], scalars, ...scalars.map((v) => [v]));
  if (Array.isArray(preferred))
    out.push(...scalars.map((v) => [...preferred, v]), ...scalars.map((v) => preferred.filter((p) => p !== v)));
  return out;
}
