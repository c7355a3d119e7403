import type { DecisionPoint } from './decision-points.js';

export interface EffectTemplate {
  type: 'notice' | 'downgrade' | 'billing_start' | 'billing_stop' | 'configuration_retained' | 'configuration_restored';
  code?: string;
  productId?: string;
  userId?: string;
  /** configuration_retained: how many days, a number or one `{{placeholder}}` naming one. */
  days?: number | string;
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

/** Visits every node of a condition tree with its JSON pointer (from `path`), in file order. */
export function walkConditions(
  node: ConditionNode,
  path: string,
  visit: (node: ConditionNode, path: string) => void,
): void {
  visit(node, path);
  node.all?.forEach((child, i) => walkConditions(child, `${path}/all/${i}`, visit));
  node.any?.forEach((child, i) => walkConditions(child, `${path}/any/${i}`, visit));
  if (node.not) walkConditions(node.not, `${path}/not`, visit);
}

/** A condition value naming another fact (`{ "fact": "params", "path": "$.roles.seatBuyers" }`), as json-rules-engine reads it. */
export function factReference(value: unknown): { fact: string; path?: string } | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const ref = value as { fact?: unknown; path?: unknown };
  return typeof ref.fact === 'string'
    ? { fact: ref.fact, ...(typeof ref.path === 'string' ? { path: ref.path } : {}) }
    : undefined;
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
