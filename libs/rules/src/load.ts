import { fileURLToPath } from 'node:url';
import { readPolicies } from './checker.js';
import { RuleSet } from './rule-set.js';
import { RuleSetError } from './rule-file.js';

/** The policies shipped with this lib. */
export const DEFAULT_POLICIES_DIR = fileURLToPath(new URL('../policies', import.meta.url));

/** Reads, checks and builds a rule set; throws RuleSetError listing every problem. */
export async function loadRuleSet(dir: string = DEFAULT_POLICIES_DIR): Promise<RuleSet> {
  const sources = readPolicies(dir);
  if (sources.problems.length > 0) throw new RuleSetError(sources.problems);
  if (sources.rules.length === 0) throw new RuleSetError([{ file: dir, path: '(root)', problem: 'no rule files (*.rule.json) found' }]);
  return new RuleSet(sources.rules, sources.params, sources.contents);
}
