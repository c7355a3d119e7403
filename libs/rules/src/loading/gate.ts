import { verificationProblems, verifyPolicies } from '../authoring/cases.js';
import type { RuleSet } from '../engine/rule-set.js';
import { RuleSetError } from '../engine/rule-file.js';

/**
 * The one gate of every load and reload, from a directory or a bundle: reads, checks (as `rules
 * check` does), runs the cases and decides the example facts (as `rules test` does), and only then
 * gives the rule set; throws RuleSetError listing every problem and every failing case.
 */
export async function loadPoliciesDirectory(dir: string): Promise<RuleSet> {
  const verification = await verifyPolicies(dir);
  const problems = verificationProblems(verification);
  if (problems.length > 0) throw new RuleSetError(problems);
  if (verification.sources.rules.length === 0)
    throw new RuleSetError([{ file: dir, path: '(root)', problem: 'no rule files (*.rule.json) found' }]);
  return verification.ruleSet!;
}
