import { DECISION_POINTS, type DecisionPoint } from './decision-points.js';

/**
 * The shape of a fact value, precise enough for the checker to refuse a path that does not exist
 * (`$.cardonFile`) and a comparison that can never hold (`equal "false"` against a boolean).
 * `unknown` matches anything (the `params` fact: its shape comes from the data files).
 */
export type FactShape =
  | { type: 'string' | 'number' | 'boolean'; nullable?: true }
  | { type: 'null' }
  | { type: 'list'; items: FactShape }
  | { type: 'object'; properties: Readonly<Record<string, FactShape>> }
  | { type: 'unknown' };

const string: FactShape = { type: 'string' };
const number: FactShape = { type: 'number' };
const boolean: FactShape = { type: 'boolean' };
const nullableString: FactShape = { type: 'string', nullable: true };
const list = (items: FactShape): FactShape => ({ type: 'list', items });
const object = (properties: Record<string, FactShape>): FactShape => ({ type: 'object', properties });

/**
 * Every fact a rule may name and every operator it may use, with what they mean. The checker
 * refuses rules that name anything else; the README's tables mirror this file; the licensing
 * service builds exactly these facts.
 */
export interface FactDescription {
  description: string;
  /** Decision points at which the service provides the fact. */
  points: readonly DecisionPoint[];
  /** Provided only to rules with `"forEach": "products"`, once per product of the request. */
  perProduct?: boolean;
  /** The value's shape at every point of `points`, or per point where it differs. */
  shape: FactShape | Readonly<Partial<Record<DecisionPoint, FactShape>>>;
}

const ALL = DECISION_POINTS;
/**
 * complete_sales_order, cancel_sales_order and administer_account decide from the caller and the
 * account alone (who may act): no request fact.
 */
const WHO_MAY_ACT_ONLY: readonly DecisionPoint[] = ['complete_sales_order', 'cancel_sales_order', 'administer_account'];
const REQUEST_POINTS = DECISION_POINTS.filter((point) => !WHO_MAY_ACT_ONLY.includes(point));
const PRODUCT_POINTS: DecisionPoint[] = [
  'assign',
  'unassign',
  'set_features',
  'create_user',
  'purchase_seats',
  'request_seats_from_sales',
  'reduce_seats',
];

const SEATS = {
  id: string,
  suiteId: nullableString,
  purchased: number,
  assigned: number,
  available: number,
  requested: number,
  availableAfter: number,
  purchasedAfter: number,
};
/** On reduce_seats a product also says how many seats in use the reduction removes, and who holds them. */
const REDUCED_SEATS = {
  ...SEATS,
  excess: number,
  holders: list(object({ userId: string, displayName: string, assignedAt: string })),
};
const perProductPoint = (shape: (point: DecisionPoint) => FactShape) =>
  Object.fromEntries(PRODUCT_POINTS.map((point) => [point, shape(point)]));
const productAt = (point: DecisionPoint) => object(point === 'reduce_seats' ? REDUCED_SEATS : SEATS);
const PRODUCT_IDS = object({ productIds: list(string) });
const SEAT_ORDER = object({ productId: string, quantity: number });

export const FACTS: Record<string, FactDescription> = {
  actor: {
    description:
      'Who asks: {kind: "user"|"service", roles: string[], permissions: string[], scopes: string[], isOwner: boolean}.',
    points: ALL,
    shape: object({
      kind: string,
      roles: list(string),
      permissions: list(string),
      scopes: list(string),
      isOwner: boolean,
    }),
  },
  account: {
    description:
      'The account acted on: {kind: "self_service"|"sales_managed", style: "goto"|"zendesk", cardOnFile: boolean, legacyPlan: boolean}.',
    points: ALL,
    shape: object({ kind: string, style: string, cardOnFile: boolean, legacyPlan: boolean }),
  },
  params: {
    description:
      'Every data file under policies/data/, keyed by file name without .json (e.g. params.roles, params.retention, params.contactCenter).',
    points: ALL,
    // The data files' schemas (schema/data/) check them; rules read their values as they are.
    shape: { type: 'unknown' },
  },
  request: {
    description:
      'What is asked. assign/create_user: {productIds: string[]}; unassign: {productIds: string[], ' +
      'removeFromAllQueues: boolean (the user also leaves every queue in the same request)}; set_features: {productId, ' +
      'features: string[]}; purchase_seats: {productId, suiteId, quantity} (one of productId and suiteId is ' +
      '""); request_seats_from_sales: {productId, quantity}; reduce_seats: ' +
      '{productId, suiteId, newTotal, downgradeOrder: "most_recent_first"|"alphabetical"|"explicit"|"", ' +
      'explicitUserIds: string[]}; queue_membership: {change: "add"|"remove"|"remove_all"|"create_queue"|"rename_queue"|' +
      '"delete_queue" (deleting a queue also decides "remove" for each member), ' +
      'manage_user: {change: "update"|"deactivate"|"reactivate"|"delete", rolesGranted, permissionsGranted: ' +
      "string[] (what the change adds to the user), targetRoles: string[] (the user's roles before), " +
      'targetIsSelf: boolean}, ' +
      'queueKind: "call"|"inbound"|"outbound"|"", role: "agent"|"supervisor"|""}. Not at ' +
      'complete_sales_order.',
    points: REQUEST_POINTS,
    shape: {
      assign: PRODUCT_IDS,
      unassign: object({ productIds: list(string), removeFromAllQueues: boolean }),
      create_user: PRODUCT_IDS,
      set_features: object({ productId: string, features: list(string) }),
      purchase_seats: object({ productId: string, suiteId: string, quantity: number }),
      request_seats_from_sales: SEAT_ORDER,
      reduce_seats: object({
        productId: string,
        suiteId: string,
        newTotal: number,
        downgradeOrder: string,
        explicitUserIds: list(string),
      }),
      queue_membership: object({ change: string, queueKind: string, role: string }),
      manage_user: object({
        change: string,
        rolesGranted: list(string),
        permissionsGranted: list(string),
        targetRoles: list(string),
        targetIsSelf: boolean,
      }),
    },
  },
  products: {
    description:
      'One entry per product the request changes (a suite named: every product of it): {id, suiteId: ' +
      'string|null, purchased, assigned, available, requested (seats this request takes: +1 per ' +
      'assignment, -1 per removal, or the seats bought/removed), availableAfter, purchasedAfter}. On ' +
      'reduce_seats also excess (seats in use beyond the new total) and holders: [{userId, displayName, ' +
      'assignedAt (ISO time)}], from whom the service selects the downgraded users.',
    points: PRODUCT_POINTS,
    shape: perProductPoint((point) => list(productAt(point))),
  },
  product: {
    description: 'In rules with "forEach": "products": the entry of `products` being checked.',
    points: PRODUCT_POINTS,
    perProduct: true,
    shape: perProductPoint(productAt),
  },
  user: {
    description:
      'The user whose licenses or queues change: {id, productIds: string[] (held before the change), ' +
      'queueMembershipCount (before), queueMembershipCountAfter (0 when an unassign also leaves every queue), hasPhoneConfiguration: boolean (an active ' +
      'phone configuration), hasRetainedConfiguration: boolean (one kept after a removal, inside the ' +
      'retention window)}.',
    points: ['assign', 'unassign', 'set_features', 'create_user', 'queue_membership'],
    shape: object({
      id: string,
      productIds: list(string),
      queueMembershipCount: number,
      queueMembershipCountAfter: number,
      hasPhoneConfiguration: boolean,
      hasRetainedConfiguration: boolean,
    }),
  },
  suite: {
    description:
      'The suite of the products whose seats change: {id: string|null, parityRequired: boolean (the ' +
      'catalog: every product of the suite keeps the same seat count; false outside suites), ' +
      'productIds: string[] (every product of the suite, or the product alone outside suites), ' +
      'seatCountsAfter: number[] (the purchased seats of each of productIds after the change, changed or ' +
      'not)}.',
    points: ['purchase_seats', 'reduce_seats'],
    shape: object({
      id: nullableString,
      parityRequired: boolean,
      productIds: list(string),
      seatCountsAfter: list(number),
    }),
  },
};

/** The shape of a fact at a decision point; undefined when the point does not provide it. */
export function factShape(fact: string, point: DecisionPoint): FactShape | undefined {
  const description = FACTS[fact];
  if (!description?.points.includes(point)) return undefined;
  const { shape } = description;
  return 'type' in shape ? (shape as FactShape) : (shape as Partial<Record<DecisionPoint, FactShape>>)[point];
}

export interface OperatorDescription {
  description: string;
}

/** json-rules-engine's own operators; decorators (`not:`, `someFact:`, …) may prefix them. */
export const BUILT_IN_OPERATORS: Record<string, OperatorDescription> = {
  equal: { description: 'fact equals value' },
  notEqual: { description: 'fact differs from value' },
  in: { description: 'fact is one of the values (value is a list)' },
  notIn: { description: 'fact is none of the values' },
  contains: { description: 'fact (a list) contains value' },
  doesNotContain: { description: 'fact (a list) does not contain value' },
  lessThan: { description: 'fact < value' },
  lessThanInclusive: { description: 'fact <= value' },
  greaterThan: { description: 'fact > value' },
  greaterThanInclusive: { description: 'fact >= value' },
};

export const OPERATOR_DECORATORS = ['someFact', 'someValue', 'everyFact', 'everyValue', 'swap', 'not'] as const;

/** Our own operators, registered on every engine (see operators.ts). */
export const CUSTOM_OPERATORS: Record<string, OperatorDescription> = {
  containsAny: { description: 'fact (a list) shares at least one element with value (a list)' },
  containsNone: { description: 'fact (a list) shares no element with value (a list)' },
  someNotIn: {
    description:
      'fact (a list) has an element that is not in value (a list), e.g. a named user who holds no seat: ' +
      'value { "fact": "product", "path": "$.holders[*].userId" }',
  },
  notAllEqual: { description: 'value true: the numbers in fact (a list) are not all the same; value false: they are' },
  lengthGreaterThan: { description: 'fact (a list) has more than value elements' },
  lengthNotEqual: { description: 'fact (a list) does not have exactly value elements' },
};

/** Effect types a rule may declare, and what the service does with them. */
export const EFFECT_TYPES: Record<string, string> = {
  notice: 'tell the account something (e.g. code seats_exhausted: the last seat of a product is used)',
  downgrade:
    'users lose the seat of product.id on a reduction below usage; the licensing service selects them, ' +
    'in the order the request names or params.downgrade.defaultOrder',
  billing_start: 'the user becomes billable for the product in params (Contact Center)',
  billing_stop: 'the user stops being billable for it',
  configuration_retained: 'a phone configuration is kept for params.retention.days days',
  configuration_restored: 'a retained phone configuration comes back',
};

export function factsFor(point: DecisionPoint, forEachProduct: boolean): string[] {
  return Object.entries(FACTS)
    .filter(([, fact]) => fact.points.includes(point) && (!fact.perProduct || forEachProduct))
    .map(([name]) => name);
}

/** Facts the caller must supply at a decision point (params comes from the rule set). */
export function requiredFacts(point: DecisionPoint): string[] {
  return factsFor(point, false).filter((name) => name !== 'params');
}

export function isKnownOperator(operator: string): boolean {
  const parts = operator.split(':');
  const base = parts.pop()!;
  const decoratorsOk = parts.every((d) => (OPERATOR_DECORATORS as readonly string[]).includes(d));
  return decoratorsOk && (base in BUILT_IN_OPERATORS || base in CUSTOM_OPERATORS);
}
