// What other projects use of the rules lib, and nothing else: the licensing service loads, watches
// and asks the rules; its tests and the bench read the policies. The lib's own tests import by
// relative path.
export { DECISION_POINTS } from './engine/decision-points.js';
export type { DecisionPoint } from './engine/decision-points.js';
export { RuleSet, FactsError, contentVersion } from './engine/rule-set.js';
export type { Decision } from './engine/rule-set.js';
export type { LoadedRule } from './engine/rule-file.js';
export { loadRuleSet, loadRules, DEFAULT_POLICIES_DIR } from './loading/load.js';
export { writeBundle } from './loading/bundle.js';
export type { Bundle } from './loading/bundle.js';
export { watchRules } from './loading/watch.js';
export type { RuleWatcher } from './loading/watch.js';
export { readPolicies } from './authoring/checker.js';
export { verifyPolicies, verificationProblems } from './authoring/cases.js';
export { impactOf } from './authoring/impact.js';
export type { RecordedDecision } from './authoring/impact.js';
export { formatImpact } from './authoring/impact-report.js';
