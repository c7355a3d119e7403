import type { DecisionPoint } from '../../engine/decision-points.js';
import { lookup } from '../../engine/render.js';
import type { LoadedRule } from '../../engine/rule-file.js';
import { readsOf, type Literal, type Term } from './condition-terms.js';
import { valueAt } from './fact-places.js';
import { holds } from './literal-logic.js';

/**
 * A reach question as clauses, and what its scope (the params and the account values) already
 * decides of them. A question is a conjunction of clauses, each a disjunction of alternatives
 * (conjunctions of literals): "deny rule R does not fire" is, for each term of R's conditions, one
 * of its literals negated; "rule E fires" is one of E's terms.
 */

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
export const own = (rule: LoadedRule, l: Literal) => (OWNER.set(l, rule), l);
export const ruleOf = (l: Literal): LoadedRule | undefined => OWNER.get(l);

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

const fromParams = (l: Literal) => l.constant && l.valueLabel.startsWith('params');

type Kind = 'true' | 'false' | 'free' | 'constrain';

/** A literal is decided by the params or the combination, left to the decision ("free"), or constrains a fact value. */
export function classify(l: Literal, scope: Scope): Kind {
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
      const misses = rest.filter((l) => !(l.constant && holds(l, valueAt(scope.example, l.fact, l.path)))).length;
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
