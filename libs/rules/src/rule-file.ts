import type { DecisionPoint } from './decision-points.js';

export interface EffectTemplate {
  type: 'notice' | 'downgrade' | 'billing_start' | 'billing_stop' | 'configuration_retained' | 'configuration_restored';
  code?: string;
  productId?: string;
  userId?: string;
}

export interface ConditionNode {
  all?: ConditionNode[];
  any?: ConditionNode[];
  not?: ConditionNode;
  fact?: string;
  path?: string;
  operator?: string;
  value?: unknown;
  params?: Record<string, unknown>;
}

/** A rule file as authors write it (see schema/rule.schema.json). */
export interface RuleFile {
  id: string;
  title: string;
  description: string;
  message: string;
  severity: 'deny' | 'warn' | 'info';
  owner: string;
  effectiveDate: string;
  source?: string;
  decisionPoints: DecisionPoint[];
  forEach?: 'products';
  effects?: EffectTemplate[];
  rule: { conditions: ConditionNode; priority?: number };
}

/** A loaded rule: the file's content and where it came from. */
export interface LoadedRule extends RuleFile {
  file: string;
}

/** One problem found in the policies: `file: path: problem`. */
export interface RuleProblem {
  file: string;
  path: string;
  problem: string;
}

export const formatProblem = (p: RuleProblem) => `${p.file}: ${p.path}: ${p.problem}`;

/** Thrown when a rule directory cannot become a rule set; lists every problem. */
export class RuleSetError extends Error {
  readonly problems: readonly RuleProblem[];
  constructor(problems: RuleProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'RuleSetError';
    this.problems = problems;
  }
}
