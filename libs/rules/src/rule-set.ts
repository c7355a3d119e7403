import { createHash } from 'node:crypto';
import { Engine, type RuleResult } from 'json-rules-engine';
import { requiredFacts } from './catalogue.js';
import { DECISION_POINTS, isDecisionPoint, type DecisionPoint } from './decision-points.js';
import { selectDowngrades, type DowngradeOrder, type SeatHolder } from './downgrade.js';
import { addCustomOperators } from './operators.js';
import { lookup, renderTemplate } from './render.js';
import type { ConditionNode, LoadedRule } from './rule-file.js';

export interface RuleMessage {
  ruleId: string;
  message: string;
}

export interface Effect {
  type: string;
  ruleId: string;
  code?: string;
  productId?: string;
  userId?: string;
  /** For downgrade effects: the users who lose the seat, in order. */
  userIds?: string[];
}

export interface ConditionTrace {
  fact: string;
  path?: string;
  operator: string;
  value: unknown;
  factValue: unknown;
  result: boolean;
}

export interface RuleTrace {
  ruleId: string;
  /** For forEach rules: the product this evaluation was about. */
  productId?: string;
  fired: boolean;
  conditions: ConditionTrace[];
}

export interface Decision {
  point: DecisionPoint;
  allowed: boolean;
  ruleSetVersion: string;
  /** Every deny rule that fired. */
  violations: RuleMessage[];
  warnings: RuleMessage[];
  /** What the change makes happen (apply only when allowed). */
  effects: Effect[];
  trace: RuleTrace[];
}

export interface DecideOptions {
  /** Rules whose effectiveDate is after this day are ignored; defaults to now. */
  now?: Date;
}

export class FactsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FactsError';
  }
}

interface PointEngines {
  plain: { engine: Engine; rules: Map<string, LoadedRule> };
  perProduct: { engine: Engine; rules: Map<string, LoadedRule> };
}

/** A checked, immutable set of rules with an engine per decision point built once. */
export class RuleSet {
  readonly version: string;
  readonly rules: readonly LoadedRule[];
  readonly params: Readonly<Record<string, unknown>>;
  private readonly engines = new Map<DecisionPoint, PointEngines>();

  constructor(rules: LoadedRule[], params: Record<string, unknown>, contents: { file: string; text: string }[]) {
    this.rules = rules;
    this.params = params;
    const hash = createHash('sha256');
    for (const { file, text } of [...contents].sort((a, b) => a.file.localeCompare(b.file))) hash.update(`${file}\0${text}\0`);
    this.version = hash.digest('hex').slice(0, 16);
    for (const point of DECISION_POINTS) {
      const mine = rules.filter((r) => r.decisionPoints.includes(point));
      this.engines.set(point, {
        plain: buildEngine(mine.filter((r) => r.forEach !== 'products')),
        perProduct: buildEngine(mine.filter((r) => r.forEach === 'products')),
      });
    }
  }

  async decide(point: string, facts: Record<string, unknown>, options: DecideOptions = {}): Promise<Decision> {
    if (!isDecisionPoint(point)) throw new FactsError(`unknown decision point "${point}" (known: ${DECISION_POINTS.join(', ')})`);
    const missing = requiredFacts(point).filter((name) => facts[name] === undefined);
    if (missing.length > 0) throw new FactsError(`decision point ${point} needs facts: ${missing.join(', ')}`);
    const products = facts.products;
    if (facts.products !== undefined && !Array.isArray(products)) throw new FactsError('fact "products" must be a list');

    const today = (options.now ?? new Date()).toISOString().slice(0, 10);
    const base = { ...facts, params: this.params };
    const engines = this.engines.get(point)!;
    const evaluations: { rule: LoadedRule; fired: boolean; result: RuleResult; facts: Record<string, unknown>; productId?: string }[] = [];

    const collect = async (set: PointEngines['plain'], runFacts: Record<string, unknown>, productId?: string) => {
      if (set.rules.size === 0) return;
      const { results, failureResults } = await set.engine.run(runFacts);
      for (const [fired, list] of [[true, results], [false, failureResults]] as const) {
        for (const result of list) {
          const rule = set.rules.get(result.name as string)!;
          if (rule.effectiveDate > today) continue;
          evaluations.push({ rule, fired, result, facts: runFacts, ...(productId ? { productId } : {}) });
        }
      }
    };
    await collect(engines.plain, base);
    for (const product of (products as Record<string, unknown>[] | undefined) ?? []) {
      await collect(engines.perProduct, { ...base, product }, String(product.id));
    }
    evaluations.sort((a, b) => a.rule.id.localeCompare(b.rule.id) || (a.productId ?? '').localeCompare(b.productId ?? ''));

    const decision: Decision = { point, allowed: true, ruleSetVersion: this.version, violations: [], warnings: [], effects: [], trace: [] };
    for (const { rule, fired, result, facts: runFacts, productId } of evaluations) {
      decision.trace.push({ ruleId: rule.id, ...(productId ? { productId } : {}), fired, conditions: traceConditions(result.conditions as ConditionNode) });
      if (!fired) continue;
      const message = { ruleId: rule.id, message: renderTemplate(rule.message, runFacts) };
      if (rule.severity === 'deny') decision.violations.push(message);
      if (rule.severity === 'warn') decision.warnings.push(message);
      for (const template of rule.effects ?? []) decision.effects.push(renderEffect(rule, template, runFacts));
    }
    decision.allowed = decision.violations.length === 0;
    return decision;
  }
}

function buildEngine(rules: LoadedRule[]): PointEngines['plain'] {
  const engine = new Engine([], { allowUndefinedFacts: false });
  addCustomOperators(engine);
  for (const rule of rules) {
    engine.addRule({ name: rule.id, conditions: rule.rule.conditions as never, priority: rule.rule.priority ?? 1, event: { type: rule.id } });
  }
  return { engine, rules: new Map(rules.map((r) => [r.id, r])) };
}

function renderEffect(rule: LoadedRule, template: NonNullable<LoadedRule['effects']>[number], facts: Record<string, unknown>): Effect {
  const effect: Effect = { type: template.type, ruleId: rule.id };
  if (template.code) effect.code = template.code;
  if (template.productId) effect.productId = renderTemplate(template.productId, facts);
  if (template.userId) effect.userId = renderTemplate(template.userId, facts);
  if (template.type === 'downgrade') {
    const request = (facts.request ?? {}) as { newTotal?: number; downgradeOrder?: string; explicitUserIds?: string[] };
    const product = (facts.product ?? {}) as { assigned?: number; holders?: SeatHolder[] };
    const defaultOrder = lookup(facts, 'params.downgrade.defaultOrder') as DowngradeOrder;
    const order = (request.downgradeOrder || defaultOrder) as DowngradeOrder;
    const count = Math.max(0, (product.assigned ?? 0) - (request.newTotal ?? 0));
    effect.userIds = selectDowngrades(product.holders ?? [], count, order, request.explicitUserIds ?? []);
    effect.code = order;
  }
  return effect;
}

interface EvaluatedCondition extends ConditionNode {
  factResult?: unknown;
  valueResult?: unknown;
  result?: boolean;
}

function traceConditions(node: EvaluatedCondition | undefined): ConditionTrace[] {
  if (!node) return [];
  const children = [...(node.all ?? []), ...(node.any ?? []), ...(node.not ? [node.not] : [])] as EvaluatedCondition[];
  if (node.fact === undefined) return children.flatMap(traceConditions);
  return [
    {
      fact: node.fact,
      ...(node.path ? { path: node.path } : {}),
      operator: node.operator!,
      // A value naming another fact is shown resolved.
      value: node.valueResult !== undefined ? node.valueResult : node.value,
      factValue: node.factResult,
      result: node.result === true,
    },
  ];
}
