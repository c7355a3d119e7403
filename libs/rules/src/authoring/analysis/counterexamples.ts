import { buildFacts } from './candidate-facts.js';
import type { Clause, Scope } from './reach-clauses.js';
import { GaveUp, MAX_STEPS, search } from './reach-search.js';

/**
 * Facts for which a question's clauses hold, confirmed by deciding them: the search only proposes
 * candidates (it cannot relate every condition), so only what the real rule set decides as asked
 * counts as a counterexample.
 */

/** At most this many different facts are decided per question before it is answered "unknown". */
export const MAX_DECIDED = 16;

export type Outcome =
  | { kind: 'found'; facts: Record<string, unknown>; changes: string[] }
  | { kind: 'refuted' }
  | { kind: 'unknown'; reason: string };

/**
 * Searches facts for which every clause holds: each surviving branch becomes facts that `confirm`
 * decides with the real rule set; the first confirmed is the answer. No surviving branch is a
 * refutation (refutes() gives its proof); surviving branches none of which is confirmed (or too
 * many) leave it unknown.
 */
export async function ask(
  clauses: Clause[],
  scope: Scope,
  confirm: (facts: Record<string, unknown>) => Promise<boolean>,
): Promise<Outcome> {
  const { emptied, branches } = search(clauses, scope);
  if (emptied.length > 0) return { kind: 'refuted' };
  const reasons = new Set<string>();
  const tried = new Set<string>();
  let survived = 0;
  try {
    for (const branch of branches) {
      survived += 1;
      const built = buildFacts(branch, scope);
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
  if (survived === 0 && reasons.size === 0) return { kind: 'refuted' };
  if (tried.size > 0)
    reasons.add(
      `${tried.size} set(s) of facts built from the conditions did not come out as needed when decided ` +
        '(conditions comparing two facts, or values the analysis cannot relate)',
    );
  return { kind: 'unknown', reason: [...reasons].join('; ') };
}
