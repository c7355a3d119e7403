/**
 * One request per RPC (and per escalation attempt) that a super admin of the account could make
 * successfully, so that a refusal can only come from who is calling. Mutations are sent with
 * validate_only unless `commit` is asked for: every rule and check runs, nothing is kept.
 */
import { AccountKind, AccountStyle, QueueKind, QueueRole } from '@acme/contracts';
import { bearer, GOTO, ZENDESK, ZENDESK_SUPER_ADMIN, type SecurityStack } from './security-stack.js';

export interface AccountPlan {
  accountId: string;
  /** The user most rows act on, and a second one that is a queue member. */
  target: string;
  queueMember: string;
  assign: string;
  unassign: string;
  feature: { productId: string; name: string };
  /** What is bought (a product, or a suite whose products keep one seat count) and its price per seat. */
  purchase: { productId: string; suiteId: string; amountMinor: bigint };
  reduce: { productId: string; suiteId: string; newTotal: number };
  /** A product for a request to sales. */
  salesProduct: string;
  /** A product no caller holds, for "assign to myself". */
  selfProduct: string;
  owner: string | null;
  /** Whether the account is offered Contact Center (so its queues may have members). */
  contactCenter: boolean;
  /** A user with a phone configuration (a GoTo Connect holder), on an account whose products carry one. */
  phoneUser: string | null;
  /** A new account of the same style, for CreateAccount. */
  newAccount: { style: AccountStyle; offeringId: string };
  /** A super admin of the account (by its user record), who makes the fixtures and the callers' users. */
  superAdmin: string;
}

export const PLANS: Record<string, AccountPlan> = {
  [GOTO]: {
    accountId: GOTO,
    target: 'usr_demo_goto_agent',
    queueMember: 'usr_demo_goto_manager',
    assign: 'goto_meeting',
    unassign: 'goto_connect_standard',
    feature: { productId: 'goto_connect_standard', name: 'voicemail' },
    purchase: { productId: 'goto_meeting', suiteId: '', amountMinor: 1400n },
    reduce: { productId: 'goto_meeting', suiteId: '', newTotal: 9 },
    salesProduct: 'goto_meeting',
    selfProduct: 'goto_meeting',
    owner: null,
    contactCenter: true,
    phoneUser: 'usr_demo_goto_agent',
    newAccount: { style: AccountStyle.GOTO, offeringId: 'goto_business' },
    superAdmin: 'usr_demo_goto_admin',
  },
  [ZENDESK]: {
    accountId: ZENDESK,
    target: 'usr_demo_zendesk_agent1',
    queueMember: 'usr_demo_zendesk_agent2',
    assign: 'zendesk_talk',
    unassign: 'zendesk_chat',
    feature: { productId: 'zendesk_chat', name: 'chat_triggers' },
    purchase: { productId: '', suiteId: 'zendesk_support_suite', amountMinor: 11_200n },
    reduce: { productId: '', suiteId: 'zendesk_support_suite', newTotal: 4 },
    salesProduct: 'zendesk_support',
    selfProduct: 'zendesk_guide',
    owner: 'usr_demo_zendesk_owner',
    contactCenter: false,
    phoneUser: null,
    newAccount: { style: AccountStyle.ZENDESK, offeringId: 'zendesk_suites' },
    superAdmin: ZENDESK_SUPER_ADMIN,
  },
};

/** Rows the requests need: a queue with a member and a pending sales order, made by the account's super admin. */
export interface Fixtures {
  queueId: string;
  orderId: string;
  /** A second pending order, for CancelSalesOrder (CompleteSalesOrder may complete the first). */
  cancelOrderId: string;
  /** An open quote made by the account's buyer (its super admin on GoTo, its owner on Zendesk), and its total. */
  quoteId: string;
  quoteTotal: bigint;
  /** A deactivated user, for ReactivateUser and DeleteUser. */
  deactivatedUserId: string;
  /** An assignment of the target user, for GetAssignment. */
  assignmentId: string;
}

export async function prepareFixtures(stack: SecurityStack, plan: AccountPlan): Promise<Fixtures> {
  const admin = bearer(await stack.sign({ subject: plan.superAdmin, accountId: plan.accountId }));
  const must = async (method: string, body: Record<string, unknown>) => {
    const outcome = await stack.call(method, body, admin);
    if (outcome.response === undefined) throw new Error(`fixture ${method} failed: ${outcome.message}`);
    return outcome.response as Record<string, Record<string, string>>;
  };
  const queueId = (await must('CreateQueue', { kind: QueueKind.CALL, name: 'Security matrix' })).queue!.id!;
  // Queue members hold Contact Center and are billed for it: only an account offered it has one (GoTo style).
  if (plan.contactCenter) {
    await must('AssignLicenses', { userId: plan.queueMember, products: [{ productId: 'goto_contact_center' }] });
    await must('AddQueueMember', { queueId, userId: plan.queueMember, role: QueueRole.AGENT });
  }
  const orderId = (await must('RequestSeatsFromSales', { productId: plan.salesProduct, quantity: 1 })).order!.id!;
  const cancelOrderId = (await must('RequestSeatsFromSales', { productId: plan.salesProduct, quantity: 1 })).order!.id!;
  const buyer = bearer(await stack.sign({ subject: plan.owner ?? plan.superAdmin, accountId: plan.accountId }));
  const quoted = await stack.call('CreateQuote', { items: [quoteItem(plan)] }, buyer);
  if (quoted.response === undefined) throw new Error(`fixture CreateQuote failed: ${quoted.message}`);
  const quote = (quoted.response as { quote: { id: string; total: { amountMinor: bigint } } }).quote;
  const leaver = (await must('CreateUser', { email: 'matrix.leaver@example.test', displayName: 'Matrix Leaver' })).user!
    .id!;
  await must('DeactivateUser', { userId: leaver });
  return {
    queueId,
    orderId,
    cancelOrderId,
    quoteId: quote.id,
    quoteTotal: quote.total.amountMinor,
    deactivatedUserId: leaver,
    assignmentId: (
      (await must('ListAssignments', { userId: plan.target })) as unknown as { assignments: { id: string }[] }
    ).assignments[0]!.id,
  };
}

/** One seat of what the plan buys: its product, or its suite. */
function quoteItem(plan: AccountPlan) {
  return { productId: plan.purchase.productId, suiteId: plan.purchase.suiteId, quantity: 1 };
}

/** A row of the matrix: the RPC, what the attempt is, and its request. */
export interface Probe {
  rpc: string;
  label: string;
  /** Only meaningful for callers that are users of the account (the caller's own user id). */
  self?: boolean;
  body(caller: { userId: string | null }): Record<string, unknown>;
}

export function probesFor(plan: AccountPlan, fixtures: Fixtures, commit = false): Probe[] {
  const account = { accountId: plan.accountId };
  const change = { ...account, validateOnly: !commit };
  const fixed = (rpc: string, label: string, body: Record<string, unknown>): Probe => ({
    rpc,
    label,
    body: () => body,
  });
  const createUser = (label: string, extra: Record<string, unknown>) =>
    fixed('CreateUser', label, { ...change, email: 'matrix.new@example.test', displayName: 'Matrix New', ...extra });
  return [
    fixed('ListProducts', 'ListProducts', {}),
    fixed('GetAccount', 'GetAccount', account),
    fixed('ListAccounts', 'ListAccounts', {}),
    fixed('CreateAccount', 'CreateAccount', {
      validateOnly: !commit,
      name: 'Matrix Co.',
      kind: AccountKind.SELF_SERVICE,
      style: plan.newAccount.style,
      currency: 'USD',
      offeringId: plan.newAccount.offeringId,
      owner: { email: 'owner@matrix.example', displayName: 'Matrix Owner' },
    }),
    fixed('UpdateAccount', 'UpdateAccount', { ...change, legacyPlan: false }),
    fixed('SetCardOnFile', 'SetCardOnFile', { ...change, billingProfileId: 'bp_matrix' }),
    fixed('GetSeatUsage', 'GetSeatUsage', account),
    fixed('ListUsers', 'ListUsers', account),
    fixed('ListAssignments', 'ListAssignments', account),
    fixed('ListQueues', 'ListQueues', account),
    fixed('ListAuditEvents', 'ListAuditEvents', account),
    fixed('ListDecisions', 'ListDecisions', account),
    createUser('CreateUser (member)', { roles: ['member'] }),
    createUser('CreateUser (admin)', { roles: ['admin'] }),
    createUser('CreateUser (super_admin)', { roles: ['super_admin'] }),
    createUser('CreateUser (owner)', { roles: ['owner'] }),
    createUser('CreateUser (member + manage_users)', { roles: ['member'], permissions: ['manage_users'] }),
    createUser('CreateUser (member + manage_licenses)', { roles: ['member'], permissions: ['manage_licenses'] }),
    createUser('CreateUser (member, with a license)', { roles: ['member'], products: [{ productId: plan.assign }] }),
    fixed('GetUser', 'GetUser', { ...account, userId: plan.target }),
    fixed('UpdateUser', 'UpdateUser (display name)', {
      ...change,
      userId: plan.target,
      displayName: 'Renamed by the matrix',
      updateMask: { paths: ['display_name'] },
    }),
    fixed('UpdateUser', 'UpdateUser (grant admin)', {
      ...change,
      userId: plan.target,
      roles: ['admin'],
      updateMask: { paths: ['roles'] },
    }),
    fixed('UpdateUser', 'UpdateUser (grant super_admin)', {
      ...change,
      userId: plan.target,
      roles: ['super_admin'],
      updateMask: { paths: ['roles'] },
    }),
    fixed('DeactivateUser', 'DeactivateUser', { ...change, userId: plan.target }),
    fixed('ReactivateUser', 'ReactivateUser', { ...change, userId: fixtures.deactivatedUserId }),
    fixed('DeleteUser', 'DeleteUser', { ...change, userId: fixtures.deactivatedUserId }),
    fixed('AssignLicenses', 'AssignLicenses (another user)', {
      ...change,
      userId: plan.target,
      products: [{ productId: plan.assign }],
    }),
    {
      rpc: 'AssignLicenses',
      label: 'AssignLicenses (to oneself)',
      self: true,
      body: ({ userId }) => ({ ...change, userId, products: [{ productId: plan.selfProduct }] }),
    },
    fixed('UnassignLicenses', 'UnassignLicenses', { ...change, userId: plan.target, productIds: [plan.unassign] }),
    fixed('TransferLicense', 'TransferLicense', {
      ...change,
      fromUserId: plan.target,
      toUserId: plan.queueMember,
      productId: plan.unassign,
    }),
    fixed('GetAssignment', 'GetAssignment', { ...account, assignmentId: fixtures.assignmentId }),
    fixed('CheckEntitlements', 'CheckEntitlements', { ...account, userIds: [plan.target] }),
    fixed('WatchEntitlements', 'WatchEntitlements', account),
    fixed('BulkAssignLicenses', 'BulkAssignLicenses', {
      ...change,
      userIds: [plan.target],
      products: [{ productId: plan.assign }],
    }),
    fixed('BulkUnassignLicenses', 'BulkUnassignLicenses', {
      ...change,
      userIds: [plan.target],
      productIds: [plan.unassign],
    }),
    // Leaving every queue with the license is decided where queues are managed too.
    fixed('UnassignLicenses', 'UnassignLicenses (and leave every queue)', {
      ...change,
      userId: plan.target,
      productIds: [plan.unassign],
      removeFromAllQueues: true,
    }),
    fixed('UpdateFeatures', 'UpdateFeatures', {
      ...change,
      userId: plan.target,
      productId: plan.feature.productId,
      features: { [plan.feature.name]: false },
    }),
    fixed('PurchaseSeats', 'PurchaseSeats', {
      ...change,
      productId: plan.purchase.productId,
      suiteId: plan.purchase.suiteId,
      quantity: 1,
      expectedUnitPrice: { currencyCode: 'USD', amountMinor: plan.purchase.amountMinor },
    }),
    fixed('CreateQuote', 'CreateQuote', { ...change, items: [quoteItem(plan)] }),
    fixed('CheckoutQuote', 'CheckoutQuote', {
      ...change,
      quoteId: fixtures.quoteId,
      expectedTotal: { currencyCode: 'USD', amountMinor: fixtures.quoteTotal },
    }),
    fixed('RequestSeatsFromSales', 'RequestSeatsFromSales', {
      ...change,
      productId: plan.salesProduct,
      quantity: 1,
    }),
    fixed('CompleteSalesOrder', 'CompleteSalesOrder', { ...change, orderId: fixtures.orderId }),
    fixed('ListSalesOrders', 'ListSalesOrders', account),
    fixed('GetSalesOrder', 'GetSalesOrder', { ...account, orderId: fixtures.orderId }),
    fixed('CancelSalesOrder', 'CancelSalesOrder', { ...change, orderId: fixtures.cancelOrderId }),
    fixed('ReduceSeats', 'ReduceSeats', {
      ...change,
      productId: plan.reduce.productId,
      suiteId: plan.reduce.suiteId,
      newTotal: plan.reduce.newTotal,
    }),
    fixed('CreateQueue', 'CreateQueue', { ...change, kind: QueueKind.INBOUND, name: 'Matrix queue' }),
    fixed('GetQueue', 'GetQueue', { ...account, queueId: fixtures.queueId }),
    fixed('RenameQueue', 'RenameQueue', { ...change, queueId: fixtures.queueId, name: 'Matrix renamed' }),
    fixed('DeleteQueue', 'DeleteQueue', { ...change, queueId: fixtures.queueId }),
    fixed('GetBillableState', 'GetBillableState', { ...account, userId: plan.queueMember }),
    fixed('AddQueueMember', 'AddQueueMember', {
      ...change,
      queueId: fixtures.queueId,
      userId: plan.target,
      role: QueueRole.SUPERVISOR,
    }),
    // Only an account offered Contact Center has a queue member to remove.
    ...(plan.contactCenter
      ? [
          fixed('RemoveQueueMember', 'RemoveQueueMember', {
            ...change,
            queueId: fixtures.queueId,
            userId: plan.queueMember,
          }),
        ]
      : []),
    fixed('RemoveUserFromAllQueues', 'RemoveUserFromAllQueues', { ...change, userId: plan.queueMember }),
    // Only an account whose products carry a phone has phone configurations.
    ...(plan.phoneUser
      ? [
          fixed('GetPhoneConfiguration', 'GetPhoneConfiguration', { ...account, userId: plan.phoneUser }),
          fixed('UpdatePhoneConfiguration', 'UpdatePhoneConfiguration', {
            ...change,
            userId: plan.phoneUser,
            extension: '4711',
          }),
        ]
      : []),
  ];
}
