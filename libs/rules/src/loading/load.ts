import { fileURLToPath } from 'node:url';
import { verificationProblems, verifyPolicies } from '../authoring/cases.js';
import type { RuleSet } from '../engine/rule-set.js';
import { RuleSetError } from '../engine/rule-file.js';

/** The policies shipped with this lib. */
export const DEFAULT_POLICIES_DIR = fileURLToPath(new URL('../../policies', import.meta.url));

/**
 * Reads, checks (as `rules check` does), runs the cases and decides the example facts (as `rules
 * test` does), and only then gives the rule set; throws RuleSetError listing every problem and
 * every failing case. The service loads and reloads rules through here.
 */
export async function loadRuleSet(dir: string = DEFAULT_POLICIES_DIR): Promise<RuleSet> {
  const verification = await verifyPolicies(dir);
  const problems = verificationProblems(verification);
  if (problems.length > 0) throw new RuleSetError(problems);
  if (verification.sources.rules.length === 0)
    throw new RuleSetError([{ file: dir, path: '(root)', problem: 'no rule files (*.rule.json) found' }]);
  return verification.ruleSet!;
}
