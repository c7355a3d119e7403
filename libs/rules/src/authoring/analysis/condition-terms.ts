import { lookup } from '../../engine/render.js';
import type { ConditionNode } from '../../engine/rule-file.js';

/**
 * One leaf condition as the contradiction checker sees it: the fact value it reads (fact + path),
 * the operator, the value compared with (a `params` reference resolved, since parameters are part
 * of the rule set) and whether a `not` above it negates it.
 */
export interface Literal {
  /** JSON pointer of the leaf in the rule file, e.g. /rule/conditions/any/1/all/0. */
  at: string;
  fact: string;
  /** The condition's JSONPath ('' when it reads the whole fact). */
  path: string;
  operator: string;
  value: unknown;
  /** False when the value names another fact than params: it changes with the facts, so the checker cannot reason on it. */
  constant: boolean;
  /** How the value was written, for messages: `params.roles.licenseManagers` or the literal JSON. */
  valueLabel: string;
  negated: boolean;
}

/** A conjunction of literals: the rule fires when every literal of one of its terms holds. */
export type Term = Literal[];

/** Above this many terms a rule is not analysed (its `any` groups multiply); see the limits in the README. */
export const MAX_TERMS = 64;

/**
 * The rule's conditions in disjunctive normal form: the rule fires exactly when one term holds.
 * `not` is pushed down to the leaves (De Morgan), so every literal carries its own negation.
 * Returns null when the form would exceed MAX_TERMS terms.
 */
export function toTerms(
  conditions: ConditionNode,
  params: Record<string, unknown>,
  at = '/rule/conditions',
): Term[] | null {
  try {
    return expand(conditions, at, params, false);
  } catch (error) {
    if (error instanceof TooManyTerms) return null;
    throw error;
  }
}

class TooManyTerms extends Error {}

function expand(node: ConditionNode, at: string, params: Record<string, unknown>, negated: boolean): Term[] {
  if (node.fact !== undefined) return [[literal(node, at, params, negated)]];
  const children = (key: 'all' | 'any') =>
    (node[key] ?? []).map((child, i) => expand(child, `${at}/${key}/${i}`, params, negated));
  if (node.not) return expand(node.not, `${at}/not`, params, !negated);
  // all under an even number of nots is a conjunction; under an odd number it is a disjunction.
  if (node.all) return negated ? union(children('all')) : product(children('all'));
  if (node.any) return negated ? product(children('any')) : union(children('any'));
  return [[]];
}

const union = (alternatives: Term[][]): Term[] => check(alternatives.flat());

function product(factors: Term[][]): Term[] {
  return factors.reduce<Term[]>(
    (terms, factor) => check(terms.flatMap((left) => factor.map((right) => [...left, ...right]))),
    [[]],
  );
}

function check(terms: Term[]): Term[] {
  if (terms.length > MAX_TERMS) throw new TooManyTerms();
  return terms;
}

function literal(node: ConditionNode, at: string, params: Record<string, unknown>, negated: boolean): Literal {
  const base = { at, fact: node.fact!, path: node.path ?? '', operator: node.operator ?? '', negated };
  const ref = node.value as { fact?: unknown; path?: unknown } | null | undefined;
  if (ref && typeof ref === 'object' && !Array.isArray(ref) && typeof ref.fact === 'string') {
    const dotted = typeof ref.path === 'string' ? ref.path.replace(/^\$\.?/, '') : '';
    const name = [ref.fact, dotted].filter(Boolean).join('.');
    if (ref.fact === 'params') {
      const value = dotted === '' ? params : lookup(params, dotted);
      return { ...base, value, constant: value !== undefined, valueLabel: `${name} (${JSON.stringify(value)})` };
    }
    return { ...base, value: undefined, constant: false, valueLabel: name };
  }
  return { ...base, value: node.value, constant: true, valueLabel: JSON.stringify(node.value) };
}

/** A literal in the words of the rule file: `user.queueMembershipCount greaterThan 5`. */
export function describeLiteral(l: Literal): string {
  const text = `${readsOf(l)} ${l.operator} ${l.valueLabel}`;
  return l.negated ? `not (${text})` : text;
}

/** The fact value a literal reads, as authors write it in placeholders: `user.queueMembershipCount`. */
export const readsOf = (l: Pick<Literal, 'fact' | 'path'>): string =>
  [l.fact, l.path.replace(/^\$\.?/, '')].filter(Boolean).join('.');
