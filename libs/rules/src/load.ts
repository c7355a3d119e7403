import { fileURLToPath } from 'node:url';
import { checkSources, readPolicies } from './checker.js';
import { RuleSet } from './rule-set.js';
import { RuleSetError } from './rule-file.js';

/** The policies shipped with this lib. */
export const DEFAULT_POLICIES_DIR = fileURLToPath(new URL('../policies', import.meta.url));

/** Reads, checks (as `rules check` does) and builds a rule set; throws RuleSetError listing every problem. */
export async function loadRuleSet(dir: string = DEFAULT_POLICIES_DIR): Promise<RuleSet> {
  const sources = readPolicies(dir);
  // A broken cases file or contradictory rules are refused like a broken rule file.
  const problems = await checkSources(sources);
  if (problems.length > 0) throw new RuleSetError(problems);
  if (sources.rules.length === 0) throw new RuleSetError([{ file: dir, path: '(root)', problem: 'no rule files (*.rule.json) found' }]);
  return new RuleSet(sources.rules, sources.params, sources.contents);
}
