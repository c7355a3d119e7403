import type { FactShape } from '../../engine/catalogue.js';
import { factReference, type ConditionNode } from '../../engine/rule-file.js';
import { describeLiteral, readsOf, type Literal } from './condition-terms.js';
import { domainOf, shapeOf } from './fact-domains.js';
import { isObject, place, type FactPlace } from './fact-places.js';
import { holds, witnessValue } from './literal-logic.js';
import { ruleOf, type Scope } from './reach-clauses.js';
import type { Branch } from './reach-search.js';

/**
 * The facts a surviving branch of the search stands for: the point's example facts changed so
 * that every literal chosen on it holds, with the changes in words (`actor.isOwner = true`). Only a
 * candidate: the caller decides it with the real rule set (counterexamples.ts).
 */

export type CandidateFacts = { facts: Record<string, unknown>; changes: string[] } | { reason: string };

/**
 * Each fact value gets the first value of its type (the example's own value first) for which all
 * the literals on it hold. A literal comparing with another fact's value is tried with that value
 * as the facts have it.
 */
export function buildFacts(branch: Pick<Branch, 'groups' | 'chosen'>, scope: Scope): CandidateFacts {
  const facts = structuredClone(scope.example);
  const set = new Map<string, { at: FactPlace; before: unknown }>();
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
  const groups = new Map(branch.groups);
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
  for (const l of branch.chosen) {
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
  const rule = ruleOf(l);
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
