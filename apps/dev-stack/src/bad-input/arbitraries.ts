/**
 * One request arbitrary per RPC of acme.licensing.v1.LicensingService. A request starts valid
 * and then up to three of its fields are made hostile or left out (see hostile-values.ts): one
 * bad field at a time reaches every check of every handler (ownership, existence, policy, seats,
 * idempotency) instead of stopping at the first field check, and some requests pass them all.
 */
import fc from 'fast-check';
import {
  AccountKind,
  AccountStyle,
  BulkMode,
  DowngradeOrder,
  QueueKind,
  QueueRole,
  SalesOrderState,
} from '@acme/contracts';
import { CALLERS, GOTO, ZENDESK, type CallerName, type KnownRows } from './bad-input-service.js';
import {
  enumValue,
  features,
  GOTO_PRODUCTS,
  hostileText,
  idempotencyKey,
  idOf,
  int32,
  money,
  pageToken,
  productId,
  productList,
} from './hostile-values.js';

/** The RPCs that only read, and those that change something (with validate_only and idempotency keys). */
export const READS = [
  'ListProducts',
  'GetAccount',
  'GetSeatUsage',
  'ListUsers',
  'ListAssignments',
  'ListQueues',
  'ListAuditEvents',
  'ListDecisions',
  'ListAccounts',
  'ListSalesOrders',
  'GetSalesOrder',
  'GetPhoneConfiguration',
  'GetQueue',
  'GetBillableState',
  'GetUser',
  'GetAssignment',
  'CheckEntitlements',
  'WatchEntitlements',
];
export const MUTATIONS = [
  'BulkAssignLicenses',
  'BulkUnassignLicenses',
  'CreateAccount',
  'UpdateAccount',
  'SetCardOnFile',
  'CreateUser',
  'AssignLicenses',
  'UnassignLicenses',
  'UpdateFeatures',
  'PurchaseSeats',
  'CreateQuote',
  'CheckoutQuote',
  'RequestSeatsFromSales',
  'CompleteSalesOrder',
  'CancelSalesOrder',
  'ReduceSeats',
  'CreateQueue',
  'AddQueueMember',
  'RemoveQueueMember',
  'RemoveUserFromAllQueues',
  'RenameQueue',
  'DeleteQueue',
  'UpdateUser',
  'TransferLicense',
  'DeactivateUser',
  'ReactivateUser',
  'DeleteUser',
  'UpdatePhoneConfiguration',
];

export type RequestBody = Record<string, unknown>;
/** A generated call: who makes it and what they send. */
export interface GeneratedCall {
  caller: CallerName;
  body: RequestBody;
}

const GOTO_USERS = ['usr_demo_goto_admin', 'usr_demo_goto_agent', 'usr_demo_goto_manager'];
const ZENDESK_USERS = [
  'usr_demo_zendesk_owner',
  'usr_demo_zendesk_agent1',
  'usr_demo_zendesk_agent2',
  'usr_demo_zendesk_agent3',
];

/** Any timestamp protobuf can carry, in range or not (seconds beyond year 9999, negative nanos). */
const timestamp = fc.record({
  seconds: fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }),
  nanos: fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }),
});

type Fields = Record<string, fc.Arbitrary<unknown>>;
/** Each field of a request: values a well-behaved caller sends, and values a hostile one does. */
interface FieldSpace {
  valid: Fields;
  hostile: Fields;
}

const MISSING = Symbol('missing');

/** A valid request with up to three fields replaced by hostile values or left out. */
function request({ valid, hostile }: FieldSpace): fc.Arbitrary<RequestBody> {
  const names = Object.keys(valid);
  if (names.length === 0) return fc.constant({});
  const spoiled = fc
    .subarray(names, { maxLength: Math.min(3, names.length) })
    .chain((keys) =>
      fc.tuple(
        ...keys.map((k) =>
          fc
            .oneof({ weight: 4, arbitrary: hostile[k]! }, { weight: 1, arbitrary: fc.constant(MISSING) })
            .map((v) => [k, v] as const),
        ),
      ),
    );
  return fc
    .tuple(
      fc.record(valid),
      spoiled.map((pairs) => pairs as (readonly [string, unknown])[]),
    )
    .map(([base, overrides]) => {
      const body: RequestBody = { ...base };
      for (const [key, value] of overrides) {
        if (value === MISSING) delete body[key];
        else body[key] = value;
      }
      return body;
    });
}

const accountId: FieldSpace = {
  valid: { accountId: fc.constantFrom('', GOTO) },
  hostile: {
    accountId: fc.oneof(
      fc.constantFrom(ZENDESK, 'acct_does_not_exist', 'acct_', `acct_${'a'.repeat(61)}`, 'ACCT_demo_goto'),
      hostileText,
    ),
  },
};
const userIdFor = (field: string): FieldSpace => ({
  valid: { [field]: fc.constantFrom(...GOTO_USERS) },
  hostile: { [field]: idOf('usr', GOTO_USERS, ZENDESK_USERS) },
});
const productIdFor = (field: string): FieldSpace => ({
  valid: { [field]: fc.constantFrom(...GOTO_PRODUCTS) },
  hostile: { [field]: productId },
});
const mutation: FieldSpace = {
  // A fixed key now and then, so a key comes back with a different request (IDEMPOTENCY_KEY_REUSED).
  valid: {
    validateOnly: fc.boolean(),
    idempotencyKey: fc.oneof(
      { weight: 3, arbitrary: fc.constant('') },
      { weight: 3, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: fc.constant('retry-1') },
    ),
  },
  hostile: { validateOnly: fc.boolean(), idempotencyKey },
};
const page: FieldSpace = {
  valid: { pageSize: fc.integer({ min: 0, max: 500 }), pageToken: fc.constant('') },
  hostile: { pageSize: int32, pageToken },
};
const productAssignments = (ids: fc.Arbitrary<string[]>) =>
  // Toggles on the first few products only: thousands of products each with thousands of toggles would only slow the test down.
  ids.chain((list) =>
    fc
      .tuple(...list.slice(0, 8).map(() => fc.oneof(fc.constant({}), features)))
      .map((toggles) => list.map((id, i) => ({ productId: id, features: toggles[i] ?? {} }))),
  );
const userIds = fc.oneof(
  fc.array(idOf('usr', GOTO_USERS, ZENDESK_USERS), { maxLength: 4 }),
  fc.constantFrom(1000, 10_000).map((n) => Array.from({ length: n }, () => 'not an id')),
);
const enumOf = (values: object) => enumValue(Object.keys(values).length / 2);

const merge = (...spaces: FieldSpace[]): FieldSpace => ({
  valid: Object.assign({}, ...spaces.map((s) => s.valid)) as Fields,
  hostile: Object.assign({}, ...spaces.map((s) => s.hostile)) as Fields,
});
const field = (name: string, valid: fc.Arbitrary<unknown>, hostile: fc.Arbitrary<unknown>): FieldSpace => ({
  valid: { [name]: valid },
  hostile: { [name]: hostile },
});

export function requestArbitraries(known: KnownRows): Record<string, fc.Arbitrary<RequestBody>> {
  const queueId = field(
    'queueId',
    fc.constant(known.queues.goto),
    idOf('q', [known.queues.goto], [known.queues.zendesk]),
  );
  const orderId = field(
    'orderId',
    fc.constant(known.salesOrders.goto),
    idOf('so', [known.salesOrders.goto], [known.salesOrders.zendesk]),
  );
  const validProducts = fc.subarray([...GOTO_PRODUCTS], { minLength: 1 });
  const spaces: Record<string, FieldSpace> = {
    ListProducts: { valid: {}, hostile: {} },
    GetAccount: accountId,
    GetSeatUsage: merge(accountId, field('productIds', fc.subarray([...GOTO_PRODUCTS]), productList)),
    ListUsers: merge(accountId, page),
    ListAssignments: merge(accountId, userIdFor('userId'), productIdFor('productId'), page),
    ListQueues: merge(
      accountId,
      field('kind', fc.integer({ min: 0, max: 3 }), enumOf(QueueKind)),
      userIdFor('memberUserId'),
    ),
    ListAuditEvents: merge(
      accountId,
      field('resourceId', fc.constantFrom('', ...GOTO_USERS), hostileText),
      field('actor', fc.constantFrom('', ...GOTO_USERS), hostileText),
      field('causationId', fc.constantFrom('', 'demo-seed'), hostileText),
      field('startTime', fc.constant(undefined), timestamp),
      field('endTime', fc.constant(undefined), timestamp),
      page,
    ),
    ListDecisions: merge(
      accountId,
      field('requestId', fc.constantFrom('', 'demo-seed'), hostileText),
      field('decisionPoint', fc.constantFrom('', 'assign', 'unassign'), hostileText),
      field('deniedOnly', fc.boolean(), fc.boolean()),
      field('startTime', fc.constant(undefined), timestamp),
      field('endTime', fc.constant(undefined), timestamp),
      page,
    ),
    ListAccounts: page,
    ListSalesOrders: merge(accountId, field('state', fc.integer({ min: 0, max: 3 }), enumOf(SalesOrderState)), page),
    GetSalesOrder: merge(accountId, orderId),
    CancelSalesOrder: merge(accountId, orderId, mutation),
    CreateAccount: merge(
      field('name', fc.constantFrom('Nimbus Telecom', 'Acme Ltd'), hostileText),
      field('kind', fc.integer({ min: 1, max: 2 }), enumOf(AccountKind)),
      field('style', fc.integer({ min: 1, max: 2 }), enumOf(AccountStyle)),
      field('legacyPlan', fc.boolean(), fc.boolean()),
      field('currency', fc.constant('USD'), fc.oneof(fc.constantFrom('usd', 'EUR', 'US', ''), hostileText)),
      field(
        'offeringId',
        fc.constantFrom('goto_business', 'zendesk_suites'),
        fc.oneof(fc.constantFrom('platinum', ''), hostileText),
      ),
      field(
        'owner',
        fc.record({ email: fc.emailAddress(), displayName: fc.constantFrom('Inés Duarte', 'Ada') }),
        fc.record({ email: fc.oneof(hostileText, fc.constant('a@b')), displayName: hostileText }),
      ),
      mutation,
    ),
    // The demo GoTo account stays buyable for the other properties: no hostile value changes its
    // kind, legacy flag, offering or card (those are refused, or leave it as it was).
    UpdateAccount: merge(
      field('accountId', fc.constant(GOTO), accountId.hostile.accountId!),
      field('name', fc.constant('Demo GoTo Co.'), hostileText),
      field('kind', fc.constantFrom(0, 1), fc.constantFrom(-1, 3, 99, 2 ** 31 - 1)),
      field('offeringId', fc.constant('goto_business'), fc.oneof(fc.constantFrom('platinum', ''), hostileText)),
      mutation,
    ),
    SetCardOnFile: merge(
      field('accountId', fc.constant(GOTO), accountId.hostile.accountId!),
      field(
        'billingProfileId',
        fc.constant('bp_demo_goto'),
        // Never '': that clears the card, a valid change the other properties would feel.
        fc.oneof(
          fc.constantFrom('4111111111111111', '4111 1111 1111 1111', 'bp'),
          hostileText.filter((t) => t !== ''),
        ),
      ),
      mutation,
    ),
    CreateUser: merge(
      accountId,
      field(
        'email',
        fc.emailAddress(),
        fc.oneof(
          fc.constantFrom(
            'ada@demo-goto.test',
            'ADA@demo-goto.test ',
            'a@b',
            '@x.io',
            'a@@b.io',
            `${'a'.repeat(65)}@x.io`,
          ),
          hostileText.map((t) => `${t}@x.io`),
          hostileText,
        ),
      ),
      field('displayName', fc.string({ minLength: 1, maxLength: 40 }), hostileText),
      field(
        'roles',
        fc.subarray(['member', 'admin']),
        fc.array(fc.oneof(fc.constantFrom('super_admin', 'owner', 'root', 'SUPER_ADMIN'), hostileText), {
          minLength: 1,
          maxLength: 5,
        }),
      ),
      field(
        'permissions',
        fc.subarray(['manage_users', 'manage_licenses']),
        fc.array(fc.oneof(fc.constantFrom('manage_everything'), hostileText), { minLength: 1, maxLength: 4 }),
      ),
      field('products', productAssignments(fc.subarray([...GOTO_PRODUCTS])), productAssignments(productList)),
      field('notifyUser', fc.boolean(), fc.boolean()),
      mutation,
    ),
    AssignLicenses: merge(
      accountId,
      userIdFor('userId'),
      field('products', productAssignments(validProducts), productAssignments(productList)),
      field('notifyUser', fc.boolean(), fc.boolean()),
      mutation,
    ),
    UnassignLicenses: merge(
      accountId,
      userIdFor('userId'),
      field('productIds', validProducts, productList),
      field('notifyUser', fc.boolean(), fc.boolean()),
      field('removeFromAllQueues', fc.boolean(), fc.boolean()),
      mutation,
    ),
    UpdateFeatures: merge(
      accountId,
      userIdFor('userId'),
      productIdFor('productId'),
      field(
        'features',
        fc.constantFrom({ hd_video: false }, { phone_number: true }, { supervisor_dashboard: false }),
        features,
      ),
      mutation,
    ),
    PurchaseSeats: merge(
      accountId,
      productIdFor('productId'),
      field('suiteId', fc.constant(''), hostileText),
      field('quantity', fc.integer({ min: 1, max: 5 }), int32),
      field(
        'expectedUnitPrice',
        fc.constantFrom(
          { currencyCode: 'USD', amountMinor: 1400n },
          { currencyCode: 'USD', amountMinor: 2700n },
          { currencyCode: 'USD', amountMinor: 7000n },
        ),
        money,
      ),
      mutation,
    ),
    CreateQuote: merge(
      accountId,
      field(
        'items',
        fc.constantFrom(
          [{ productId: 'goto_meeting', quantity: 1 }],
          [
            { productId: 'goto_connect_standard', quantity: 2 },
            { productId: 'goto_contact_center', quantity: 1 },
          ],
        ),
        fc.oneof(
          fc.constant([]),
          fc.array(fc.record({ productId: productId, suiteId: hostileText, quantity: int32 }), { maxLength: 30 }),
        ),
      ),
      mutation,
    ),
    CheckoutQuote: merge(
      accountId,
      field('quoteId', fc.constant(known.quotes.goto), idOf('qt', [known.quotes.goto], [known.quotes.zendesk])),
      field('expectedTotal', fc.constant({ currencyCode: 'USD', amountMinor: known.quotes.gotoTotal }), money),
      mutation,
    ),
    RequestSeatsFromSales: merge(
      accountId,
      productIdFor('productId'),
      field('quantity', fc.integer({ min: 1, max: 5 }), int32),
      field('note', fc.string({ maxLength: 40 }), hostileText),
      mutation,
    ),
    CompleteSalesOrder: merge(field('accountId', fc.constant(GOTO), accountId.hostile.accountId!), orderId, mutation),
    ReduceSeats: merge(
      accountId,
      productIdFor('productId'),
      field('suiteId', fc.constant(''), hostileText),
      field('newTotal', fc.integer({ min: 0, max: 12 }), int32),
      field('downgradeOrder', fc.integer({ min: 0, max: 2 }), enumOf(DowngradeOrder)),
      field('explicitUserIds', fc.constant([]), userIds),
      mutation,
    ),
    CreateQueue: merge(
      accountId,
      field('kind', fc.integer({ min: 1, max: 3 }), enumOf(QueueKind)),
      field('name', fc.constantFrom('Front line', 'Billing', 'Outbound sales'), hostileText),
      mutation,
    ),
    AddQueueMember: merge(
      accountId,
      queueId,
      userIdFor('userId'),
      field('role', fc.integer({ min: 1, max: 2 }), enumOf(QueueRole)),
      mutation,
    ),
    RemoveQueueMember: merge(accountId, queueId, userIdFor('userId'), mutation),
    RemoveUserFromAllQueues: merge(accountId, userIdFor('userId'), mutation),
    GetQueue: merge(accountId, queueId),
    RenameQueue: merge(
      accountId,
      queueId,
      field('name', fc.constantFrom('Front line', 'Billing', 'Renamed'), hostileText),
      mutation,
    ),
    DeleteQueue: merge(accountId, queueId, mutation),
    GetBillableState: merge(accountId, userIdFor('userId')),
    GetUser: merge(accountId, userIdFor('userId')),
    WatchEntitlements: merge(
      accountId,
      field('resumeAfter', fc.constantFrom(undefined, 0n, 1n), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
    ),
    BulkAssignLicenses: merge(
      accountId,
      field('userIds', fc.subarray([...GOTO_USERS], { minLength: 1 }), userIds),
      field('products', productAssignments(validProducts), productAssignments(productList)),
      field('mode', fc.constantFrom(0, 1, 2), enumOf(BulkMode)),
      field('notifyUsers', fc.boolean(), fc.boolean()),
      mutation,
    ),
    BulkUnassignLicenses: merge(
      accountId,
      field('userIds', fc.subarray([...GOTO_USERS], { minLength: 1 }), userIds),
      field('productIds', validProducts, productList),
      field('mode', fc.constantFrom(0, 1, 2), enumOf(BulkMode)),
      field('notifyUsers', fc.boolean(), fc.boolean()),
      mutation,
    ),
    CheckEntitlements: merge(
      accountId,
      field('userIds', fc.subarray([...GOTO_USERS], { minLength: 1 }), userIds),
      field(
        'queries',
        fc.subarray([...GOTO_PRODUCTS]).map((ids) => ids.map((id) => ({ productId: id, feature: '' }))),
        fc.array(fc.record({ productId, feature: hostileText }), { maxLength: 200 }),
      ),
    ),
    GetAssignment: merge(
      accountId,
      field('assignmentId', fc.constantFrom('asg_missing'), idOf('asg', ['asg_missing'], ['asg_elsewhere'])),
    ),
    TransferLicense: merge(
      accountId,
      userIdFor('fromUserId'),
      userIdFor('toUserId'),
      productIdFor('productId'),
      field('notifyUsers', fc.boolean(), fc.boolean()),
      mutation,
    ),
    UpdateUser: merge(
      accountId,
      userIdFor('userId'),
      field('displayName', fc.constantFrom('Ana Admin', 'Renamed'), hostileText),
      field('roles', fc.constantFrom(['member'], ['admin'], ['super_admin']), fc.array(hostileText, { maxLength: 5 })),
      field('permissions', fc.constantFrom([], ['manage_users']), fc.array(hostileText, { maxLength: 5 })),
      field(
        'updateMask',
        fc.constantFrom({ paths: ['display_name'] }, { paths: ['roles', 'permissions'] }),
        fc.record({ paths: fc.array(hostileText, { maxLength: 4 }) }),
      ),
      mutation,
    ),
    DeactivateUser: merge(accountId, userIdFor('userId'), mutation),
    ReactivateUser: merge(accountId, userIdFor('userId'), mutation),
    DeleteUser: merge(accountId, userIdFor('userId'), mutation),
    GetPhoneConfiguration: merge(accountId, userIdFor('userId')),
    UpdatePhoneConfiguration: merge(
      accountId,
      userIdFor('userId'),
      field(
        'extension',
        fc.constantFrom('101', '2044', ''),
        fc.oneof(fc.constantFrom('1', '1234567', '12a'), hostileText),
      ),
      field(
        'callerIdNumber',
        fc.constantFrom('+4930123456', ''),
        fc.oneof(fc.constantFrom('030 123', '+0123'), hostileText),
      ),
      field(
        'forwarding',
        fc.record({
          enabled: fc.boolean(),
          toNumber: fc.constant('+4930123456'),
          afterRings: fc.integer({ min: 1, max: 10 }),
        }),
        fc.record({ enabled: fc.boolean(), toNumber: hostileText, afterRings: fc.integer() }),
      ),
      field(
        'voicemail',
        fc.record({ enabled: fc.boolean(), transcription: fc.boolean(), greeting: fc.integer({ min: 1, max: 2 }) }),
        fc.record({ enabled: fc.boolean(), transcription: fc.boolean(), greeting: fc.integer() }),
      ),
      mutation,
    ),
  };
  return Object.fromEntries(Object.entries(spaces).map(([method, space]) => [method, request(space)]));
}

/** Mostly the GoTo super admin (who gets deepest into the handlers), sometimes everyone else. */
export const caller: fc.Arbitrary<CallerName> = fc.oneof(
  { weight: 5, arbitrary: fc.constant<CallerName>('gotoAdmin') },
  { weight: 1, arbitrary: fc.constantFrom<CallerName>(...CALLERS) },
);

/** Back-office RPCs need the back-office identity to get past their first check; everyone else tries too. */
const BACK_OFFICE = ['CompleteSalesOrder', 'CreateAccount', 'UpdateAccount', 'SetCardOnFile', 'ListAccounts'];
const callerFor = (method: string): fc.Arbitrary<CallerName> =>
  BACK_OFFICE.includes(method)
    ? fc.oneof({ weight: 3, arbitrary: fc.constant<CallerName>('backOffice') }, { weight: 1, arbitrary: caller })
    : caller;

export const generatedCall = (method: string, body: fc.Arbitrary<RequestBody>): fc.Arbitrary<GeneratedCall> =>
  fc.record({ caller: callerFor(method), body });
