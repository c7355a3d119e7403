import { createHash } from 'node:crypto';
import type { RuleResult } from 'json-rules-engine';
import { inSpan } from '@acme/telemetry';
import { EnginePool } from './engine-pool.js';
import { requiredFacts } from './catalogue.js';
import {
  AUTHORIZATION_FACTS,
  AUTHORIZATION_FAMILY,
  DECISION_POINTS,
  familyOf,
  isDecisionPoint,
  type DecisionPoint,
} from './decision-points.js';
import { placeholders, renderTemplate } from './render.js';
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
  /** Users an effect is about, in order (the licensing service fills them in for downgrades). */
  userIds?: string[];
  /** The message of the rule that produced it (an info rule says what it means to the admin). */
  message?: string;
  /** When what it keeps ends (the licensing service fills it in: a retained configuration's purge time). */
  until?: Date;
  /** How many days it keeps (a retained configuration: the rule's `days`, e.g. params.retention.days). */
  days?: number;
}

export interface ConditionTrace {
  /** Where the condition sits in the rule file, as a JSON pointer from /rule/conditions (e.g. /any/1/all/0). */
  at: string;
  fact: string;
  path?: string;
  operator: string;
  value: unknown;
  factValue: unknown;
  /** Whether it held; false when it was not evaluated. */
  result: boolean;
  /** Present, false, when json-rules-engine did not evaluate it (a group stops early across condition priorities). */
  evaluated?: false;
}

/** An all / any / not node of a rule's conditions and whether it held. */
export interface GroupTrace {
  at: string;
  operator: 'all' | 'any' | 'not';
  result: boolean;
}

export interface RuleTrace {
  ruleId: string;
  /** For forEach rules: the product this evaluation was about. */
  productId?: string;
  fired: boolean;
  /** Every leaf condition, in file order, with the fact value it saw. */
  conditions: ConditionTrace[];
  /** The all / any / not nodes, so a reader can see how the leaves combine. */
  groups: GroupTrace[];
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
  /** The caller was authorized at this point already (`authorize`): the who-may-act rules are not asked again. */
  authorized?: boolean;
}

/** The caller's mistake: an unknown decision point, or facts the rules of the point need are missing. */
export class FactsError extends Error {
  /** What is missing, as `fact` or `fact.path` (`products[0].availableAfter`); empty for an unknown point. */
  readonly missing: readonly string[];
  constructor(message: string, missing: string[] = []) {
    super(message);
    this.name = 'FactsError';
    this.missing = missing;
  }
}

/** A fact value some rule of a decision point reads: `user` + `queueMembershipCount`. */
interface FactPath {
  fact: string;
  path: string[];
}

interface PointEngines {
  plain: EnginePool;
  perProduct: EnginePool;
  /** Fact values the point's rules read (conditions and placeholders); `product` paths apply to every entry of `products`. */
  reads: FactPath[];
}

function pointEngines(rules: LoadedRule[]): PointEngines {
  return {
    plain: new EnginePool(rules.filter((r) => r.forEach !== 'products')),
    perProduct: new EnginePool(rules.filter((r) => r.forEach === 'products')),
    reads: factReads(rules),
  };
}

/** A point's rules three ways: all of them, the who-may-act rules alone, and all but those. */
interface PointStages {
  all: PointEngines;
  authorization: PointEngines;
  afterAuthorization: PointEngines;
}

/** A checked, immutable set of rules with an engine per decision point built once. */
export class RuleSet {
  readonly version: string;
  readonly rules: readonly LoadedRule[];
  readonly params: Readonly<Record<string, unknown>>;
  private readonly engines = new Map<DecisionPoint, PointStages>();

  constructor(rules: LoadedRule[], params: Record<string, unknown>, contents: { file: string; text: string }[]) {
    this.rules = rules;
    this.params = params;
    this.version = contentVersion(contents);
    for (const point of DECISION_POINTS) {
      const mine = rules.filter((r) => r.decisionPoints.includes(point));
      const authorizes = (r: LoadedRule) => familyOf(r.id) === AUTHORIZATION_FAMILY;
      this.engines.set(point, {
        all: pointEngines(mine),
        authorization: pointEngines(mine.filter(authorizes)),
        afterAuthorization: pointEngines(mine.filter((r) => !authorizes(r))),
      });
    }
  }

  /**
   * The who-may-act rules of `point` alone, from the `actor` and `account` facts: may this caller
   * attempt the change at all? Asked before anything else of the account is read. A decision that
   * allows is followed by `decide(point, facts, { authorized: true })`, which leaves these rules out.
   */
  async authorize(
    point: string,
    facts: { actor: unknown; account: unknown },
    options: DecideOptions = {},
  ): Promise<Decision> {
    if (!isDecisionPoint(point))
      throw new FactsError(`unknown decision point "${point}" (known: ${DECISION_POINTS.join(', ')})`);
    const missing = AUTHORIZATION_FACTS.filter((name) => name !== 'params' && facts[name] === undefined);
    if (missing.length > 0) throw new FactsError(`authorizing at ${point} needs facts: ${missing.join(', ')}`, missing);
    return this.traced(point, 'authorize', () =>
      this.evaluate(
        point,
        { actor: facts.actor, account: facts.account },
        this.engines.get(point)!.authorization,
        options,
      ),
    );
  }

  async decide(point: string, facts: Record<string, unknown>, options: DecideOptions = {}): Promise<Decision> {
    if (!isDecisionPoint(point))
      throw new FactsError(`unknown decision point "${point}" (known: ${DECISION_POINTS.join(', ')})`);
    const missing = requiredFacts(point).filter((name) => facts[name] === undefined);
    if (missing.length > 0) throw new FactsError(`decision point ${point} needs facts: ${missing.join(', ')}`, missing);
    const products = facts.products;
    if (
      facts.products !== undefined &&
      !(Array.isArray(products) && products.every((p) => typeof p === 'object' && p !== null))
    ) {
      throw new FactsError('fact "products" must be a list of objects', ['products']);
    }
    const stages = this.engines.get(point)!;
    return this.traced(point, options.authorized ? 'after_authorization' : 'all', () =>
      this.evaluate(point, facts, options.authorized ? stages.afterAuthorization : stages.all, options),
    );
  }

  /** A decision as a span of the caller's trace: the point, the rule set, the outcome and the rules that decided it. */
  private traced(point: DecisionPoint, stage: string, decide: () => Promise<Decision>): Promise<Decision> {
    const attributes = { 'rules.decision_point': point, 'rules.stage': stage, 'rules.version': this.version };
    return inSpan(`rules.decide ${point}`, { attributes }, async (span) => {
      const decision = await decide();
      span.setAttributes({
        'rules.allowed': decision.allowed,
        'rules.violated': decision.violations.map((v) => v.ruleId),
        'rules.warned': decision.warnings.map((w) => w.ruleId),
        'rules.effects': decision.effects.map((e) => e.ruleId),
      });
      return decision;
    });
  }

  private async evaluate(
    point: DecisionPoint,
    facts: Record<string, unknown>,
    engines: PointEngines,
    options: DecideOptions,
  ): Promise<Decision> {
    const products = facts.products;
    const missingValues = missingReads(engines.reads, facts);
    if (missingValues.length > 0) {
      throw new FactsError(`decision point ${point} needs fact values: ${missingValues.join(', ')}`, missingValues);
    }

    const today = (options.now ?? new Date()).toISOString().slice(0, 10);
    const base = { ...facts, params: this.params };
    const evaluations: {
      rule: LoadedRule;
      fired: boolean;
      result: RuleResult;
      facts: Record<string, unknown>;
      productId?: string;
    }[] = [];

    const collect = async (pool: EnginePool, runFacts: Record<string, unknown>, productId?: string) => {
      for (const { fired, result } of await pool.run(runFacts)) {
        const rule = pool.rules.get(result.name as string)!;
        if (rule.effectiveDate > today) continue;
        evaluations.push({ rule, fired, result, facts: runFacts, ...(productId !== undefined ? { productId } : {}) });
      }
    };
    await collect(engines.plain, base);
    for (const product of (products as Record<string, unknown>[] | undefined) ?? []) {
      await collect(engines.perProduct, { ...base, product }, String(product.id));
    }
    evaluations.sort(
      (a, b) => a.rule.id.localeCompare(b.rule.id) || (a.productId ?? '').localeCompare(b.productId ?? ''),
    );

    const decision: Decision = {
      point,
      allowed: true,
      ruleSetVersion: this.version,
      violations: [],
      warnings: [],
      effects: [],
      trace: [],
    };
    for (const { rule, fired, result, facts: runFacts, productId } of evaluations) {
      const { conditions, groups } = traceConditions(result.conditions as EvaluatedCondition, fired);
      decision.trace.push({
        ruleId: rule.id,
        ...(productId !== undefined ? { productId } : {}),
        fired,
        conditions,
        groups,
      });
      if (!fired) continue;
      const message = { ruleId: rule.id, message: renderTemplate(rule.message, runFacts) };
      if (rule.severity === 'deny') decision.violations.push(message);
      if (rule.severity === 'warn') decision.warnings.push(message);
      for (const template of rule.effects ?? [])
        decision.effects.push({ ...renderEffect(rule, template, runFacts), message: message.message });
    }
    decision.allowed = decision.violations.length === 0;
    return decision;
  }
}

/** The version of a rule set built from these files: a hash of every file's path and text. */
export function contentVersion(contents: readonly { file: string; text: string }[]): string {
  const hash = createHash('sha256');
  for (const { file, text } of [...contents].sort((a, b) => a.file.localeCompare(b.file)))
    hash.update(`${file}\0${text}\0`);
  return hash.digest('hex').slice(0, 16);
}

/** A condition's JSONPath as keys; a `[*]` step ends it (the list itself must be there, its items may be none). */
function jsonPath(path: string | undefined): string[] {
  const keys: string[] = [];
  for (const key of (path ?? '')
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)) {
    if (key.endsWith('[*]')) return [...keys, key.slice(0, -3)];
    keys.push(key);
  }
  return keys;
}

/** Every fact value the rules read in conditions, fact references and placeholders (params excluded: the rule set has them). */
function factReads(rules: LoadedRule[]): FactPath[] {
  const reads = new Map<string, FactPath>();
  const add = (fact: string, path: string[]) => {
    if (fact !== 'params') reads.set([fact, ...path].join('.'), { fact, path });
  };
  const walk = (node: ConditionNode) => {
    if (node.fact !== undefined) add(node.fact, jsonPath(node.path));
    const ref = node.value as { fact?: unknown; path?: unknown } | null | undefined;
    if (ref && typeof ref === 'object' && !Array.isArray(ref) && typeof ref.fact === 'string')
      add(ref.fact, jsonPath(typeof ref.path === 'string' ? ref.path : undefined));
    [...(node.all ?? []), ...(node.any ?? []), ...(node.not ? [node.not] : [])].forEach(walk);
  };
  for (const rule of rules) {
    walk(rule.rule.conditions);
    const templates = [
      rule.message,
      ...(rule.effects ?? []).flatMap((e) => [
        e.productId ?? '',
        e.userId ?? '',
        typeof e.days === 'string' ? e.days : '',
      ]),
    ];
    for (const placeholder of templates.flatMap(placeholders)) {
      const [fact, ...path] = placeholder.split('.');
      add(fact!, path);
    }
  }
  return [...reads.values()].sort((a, b) => [a.fact, ...a.path].join('.').localeCompare([b.fact, ...b.path].join('.')));
}

/** The reads the facts cannot answer, named as the caller would write them. */
function missingReads(reads: FactPath[], facts: Record<string, unknown>): string[] {
  const missing: string[] = [];
  const at = (value: unknown, path: string[]) =>
    path.reduce<unknown>(
      (node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      value,
    );
  for (const { fact, path } of reads) {
    if (fact === 'product') {
      ((facts.products as unknown[] | undefined) ?? []).forEach((product, i) => {
        if (at(product, path) === undefined) missing.push([`products[${i}]`, ...path].join('.'));
      });
    } else if (at(facts[fact], path) === undefined) missing.push([fact, ...path].join('.'));
  }
  return missing;
}

function renderEffect(
  rule: LoadedRule,
  template: NonNullable<LoadedRule['effects']>[number],
  facts: Record<string, unknown>,
): Effect {
  const effect: Effect = { type: template.type, ruleId: rule.id };
  if (template.code) effect.code = template.code;
  if (template.productId) effect.productId = renderTemplate(template.productId, facts);
  if (template.userId) effect.userId = renderTemplate(template.userId, facts);
  // A number, or one placeholder the checker proved names a number.
  if (template.days !== undefined)
    effect.days = typeof template.days === 'number' ? template.days : Number(renderTemplate(template.days, facts));
  return effect;
}

interface EvaluatedCondition extends ConditionNode {
  factResult?: unknown;
  valueResult?: unknown;
  result?: boolean;
}

/** The evaluated condition tree of a rule result, flattened in file order. */
function traceConditions(
  root: EvaluatedCondition | undefined,
  fired: boolean,
): { conditions: ConditionTrace[]; groups: GroupTrace[] } {
  const conditions: ConditionTrace[] = [];
  const groups: GroupTrace[] = [];
  const walk = (node: EvaluatedCondition | undefined, at: string) => {
    if (!node) return;
    if (node.fact !== undefined) {
      conditions.push({
        at: at || '/',
        fact: node.fact,
        ...(node.path ? { path: node.path } : {}),
        operator: node.operator!,
        // A value naming another fact is shown resolved.
        value: node.valueResult !== undefined ? node.valueResult : node.value,
        factValue: node.factResult,
        result: node.result === true,
        ...(node.result === undefined ? { evaluated: false as const } : {}),
      });
      return;
    }
    for (const operator of ['all', 'any', 'not'] as const) {
      const children = node[operator];
      if (children === undefined) continue;
      // json-rules-engine records results on nested groups only; the root's result is the rule's.
      groups.push({ at: at || '/', operator, result: node === root ? fired : node.result === true });
      if (Array.isArray(children))
        children.forEach((child, i) => walk(child as EvaluatedCondition, `${at}/${operator}/${i}`));
      else walk(children as EvaluatedCondition, `${at}/not`);
    }
  };
  walk(root, '');
  return { conditions, groups };
}
