import type { DecisionPoint } from '../../engine/decision-points.js';
import { describeLiteral, readsOf, type Literal } from './condition-terms.js';
import { shapeOf } from './fact-domains.js';
import { own, ruleOf } from './reach-clauses.js';

/**
 * A negated literal as the opposite operator (`not equal` is `notEqual`), for the literal reasoning
 * and for the words of a proof, where the opposite is exact.
 */

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
export function typed(l: Literal, point: DecisionPoint): Literal {
  const operator = l.negated ? opposite(l, point, false) : undefined;
  return operator ? own(ruleOf(l)!, { ...l, operator, negated: false }) : l;
}

/** A literal in the words of the rule files, a negation as the opposite operator where that is exact. */
export function phrase(l: Literal, point: DecisionPoint): string {
  const operator = l.negated ? opposite(l, point, true) : undefined;
  return operator ? `${readsOf(l)} ${operator} ${l.valueLabel}` : describeLiteral(l);
}
