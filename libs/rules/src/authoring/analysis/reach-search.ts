import { readsOf, type Literal } from './condition-terms.js';
import { domainOf } from './fact-domains.js';
import { holds, unsatisfiable } from './literal-logic.js';
import { typed } from './opposite-operators.js';
import { classify, ruleOf, simplify, type Clause, type Scope } from './reach-clauses.js';

/**
 * The search behind the reach questions (reach.ts asks them, reach-clauses.ts states them): it
 * walks the alternatives of a conjunction of clauses in disjunctive normal form depth first,
 * dropping a branch as soon as the literals it chose on one fact value can never hold together
 * (literal-logic.ts, plus the finite values the catalogue gives some paths: fact-domains.ts). Every
 * branch that survives can be turned into facts (candidate-facts.ts) that the caller decides with
 * the real rule set (counterexamples.ts); when no branch survives, the conflicts met are the proof.
 */

/** Above this many alternatives tried, a question is answered "unknown" (as toTerms' MAX_TERMS for one rule). */
export const MAX_STEPS = 4096;

/** Literals that can never hold together on one fact value (all of them needed), and the values that path may have. */
export interface Conflict {
  literals: Literal[];
  domain?: readonly unknown[];
}

/** A branch that survived: the literals chosen, grouped by the fact value they read. */
export interface Branch {
  groups: Map<string, Literal[]>;
  chosen: Literal[];
  ids: Set<string>;
}

/** Thrown by the walk past MAX_STEPS alternatives. */
export class GaveUp extends Error {}

/** What survives of `items` when each is dropped in turn if the rest still make `stillHolds` true (all needed). */
export function fewestNeeded<T>(items: readonly T[], stillHolds: (kept: T[]) => boolean): T[] {
  let kept = [...items];
  for (const item of items) {
    const without = kept.filter((k) => k !== item);
    if (stillHolds(without)) kept = without;
  }
  return kept;
}

const idOf = (l: Literal) => `${ruleOf(l)?.id ?? ''}${l.at}${l.negated}`;

const unsat = (group: Literal[], domain: readonly unknown[] | undefined) =>
  domain ? !domain.some((v) => group.every((l) => holds(l, v))) : unsatisfiable(group);

interface Run {
  scope: Scope;
  steps: number;
  conflicts: Map<string, Conflict>;
}

function* branches(clauses: Clause[], i: number, branch: Branch, run: Run): Generator<Branch> {
  if (i === clauses.length) {
    yield branch;
    return;
  }
  const clause = clauses[i]!;
  if (clause.alts.some((alt) => alt.every((l) => branch.ids.has(idOf(l))))) {
    yield* branches(clauses, i + 1, branch, run);
    return;
  }
  for (const alt of clause.alts) {
    if (++run.steps > MAX_STEPS) throw new GaveUp();
    const next = extend(branch, alt, run);
    if (next) yield* branches(clauses, i + 1, next, run);
  }
}

function extend(branch: Branch, alt: Literal[], run: Run): Branch | undefined {
  const groups = new Map(branch.groups);
  for (const l of alt) {
    if (classify(l, run.scope) !== 'constrain') continue;
    const key = readsOf(l);
    const group = [...(groups.get(key) ?? []), typed(l, run.scope.point)];
    const domain = domainOf(l, run.scope.point);
    if (unsat(group, domain)) {
      const literals = fewestNeeded(group, (kept) => unsat(kept, domain));
      run.conflicts.set(literals.map(idOf).sort().join(' '), { literals, ...(domain ? { domain } : {}) });
      return undefined;
    }
    groups.set(key, group);
  }
  return { groups, chosen: [...branch.chosen, ...alt], ids: new Set([...branch.ids, ...alt.map(idOf)]) };
}

/**
 * A question in a scope: the clauses no alternative of which can hold here (`emptied`), and the
 * branches that survive, walked lazily (throwing GaveUp past MAX_STEPS); `conflicts` fills as they are.
 */
export function search(
  clauses: Clause[],
  scope: Scope,
): { emptied: Clause[]; branches: Generator<Branch>; conflicts: ReadonlyMap<string, Conflict> } {
  const { clauses: live, emptied } = simplify(clauses, scope);
  const run: Run = { scope, steps: 0, conflicts: new Map() };
  return {
    emptied,
    branches: branches(live, 0, { groups: new Map(), chosen: [], ids: new Set() }, run),
    conflicts: run.conflicts,
  };
}

/**
 * Whether the clauses can never hold together (no branch survives), with the conflicts met;
 * undefined when some branch survives or the search gave up.
 */
export function refutes(clauses: Clause[], scope: Scope): { conflicts: Conflict[]; emptied: Clause[] } | undefined {
  const { emptied, branches: walk, conflicts } = search(clauses, scope);
  if (emptied.length > 0) return { conflicts: [], emptied };
  try {
    if (!walk.next().done) return undefined;
  } catch (error) {
    if (error instanceof GaveUp) return undefined;
    throw error;
  }
  return { conflicts: [...conflicts.values()], emptied: [] };
}
