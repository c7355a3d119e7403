/**
 * Every RPC over the socket: another account's data is never visible or changeable, and a member
 * without license rights cannot change anything. A table of RPC x caller, checked against the
 * real server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountKind, AccountStyle, LicensingService, QueueKind, QueueRole } from '@acme/contracts';
import { createClient, decodeGrpcError, firstMessage, GrpcStatus, type ServerStream } from '@acme/grpc';
import { startTestStack, type TestStack } from '../test/test-stack.js';
import type { DevStack } from './dev-stack.js';

let demo: TestStack;
let stack: DevStack;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  demo = await startTestStack('tenancy');
  stack = demo.stack;
  const sign = (subject: string) => demo.sign({ subject, accountId: 'acct_demo_goto' });
  tokens.member = await sign('usr_demo_goto_agent');
  tokens.admin = await sign('usr_demo_goto_admin');
});

afterAll(async () => {
  await demo?.stop();
});

const other = 'acct_demo_zendesk';
/** One request per RPC that names the other account (ListProducts is the shared catalog). */
const FOREIGN: Record<string, Record<string, unknown>> = {
  GetAccount: { accountId: other },
  // Creating and listing accounts name none: a user of any account is refused them.
  CreateAccount: {
    name: 'X',
    kind: AccountKind.SELF_SERVICE,
    style: AccountStyle.ZENDESK,
    currency: 'USD',
    offeringId: 'zendesk_suites',
    owner: { email: 'x@y.test', displayName: 'X' },
  },
  ListAccounts: {},
  UpdateAccount: { accountId: other, legacyPlan: true },
  SetCardOnFile: { accountId: other, billingProfileId: 'bp_x' },
  GetSeatUsage: { accountId: other },
  CreateUser: { accountId: other, email: 'x@y.test', displayName: 'X' },
  ListUsers: { accountId: other },
  GetUser: { accountId: other, userId: 'usr_demo_zendesk_agent1' },
  UpdateUser: {
    accountId: other,
    userId: 'usr_demo_zendesk_agent1',
    displayName: 'Mine',
    updateMask: { paths: ['display_name'] },
  },
  DeactivateUser: { accountId: other, userId: 'usr_demo_zendesk_agent1' },
  ReactivateUser: { accountId: other, userId: 'usr_demo_zendesk_agent1' },
  DeleteUser: { accountId: other, userId: 'usr_demo_zendesk_agent1' },
  AssignLicenses: { accountId: other, userId: 'usr_demo_zendesk_agent1', products: [{ productId: 'zendesk_talk' }] },
  UnassignLicenses: { accountId: other, userId: 'usr_demo_zendesk_agent1', productIds: ['zendesk_chat'] },
  UpdateFeatures: {
    accountId: other,
    userId: 'usr_demo_zendesk_agent1',
    productId: 'zendesk_chat',
    features: { chat_triggers: false },
  },
  ListAssignments: { accountId: other },
  GetAssignment: { accountId: other, assignmentId: 'asg_x' },
  CheckEntitlements: { accountId: other, userIds: ['usr_demo_zendesk_agent1'] },
  WatchEntitlements: { accountId: other },
  BulkAssignLicenses: {
    accountId: other,
    userIds: ['usr_demo_zendesk_agent1'],
    products: [{ productId: 'zendesk_chat' }],
  },
  BulkUnassignLicenses: { accountId: other, userIds: ['usr_demo_zendesk_agent1'], productIds: ['zendesk_chat'] },
  TransferLicense: {
    accountId: other,
    fromUserId: 'usr_demo_zendesk_agent1',
    toUserId: 'usr_demo_zendesk_agent2',
    productId: 'zendesk_chat',
  },
  PurchaseSeats: {
    accountId: other,
    suiteId: 'zendesk_support_suite',
    quantity: 1,
    expectedUnitPrice: { currencyCode: 'USD', amountMinor: 11_200n },
  },
  CreateQuote: { accountId: other, items: [{ suiteId: 'zendesk_support_suite', quantity: 1 }] },
  CheckoutQuote: { accountId: other, quoteId: 'qt_x', expectedTotal: { currencyCode: 'USD', amountMinor: 0n } },
  RequestSeatsFromSales: { accountId: other, productId: 'zendesk_support', quantity: 1 },
  CompleteSalesOrder: { accountId: other, orderId: 'so_x' },
  CancelSalesOrder: { accountId: other, orderId: 'so_x' },
  ListSalesOrders: { accountId: other },
  GetSalesOrder: { accountId: other, orderId: 'so_x' },
  ReduceSeats: { accountId: other, suiteId: 'zendesk_support_suite', newTotal: 1 },
  CreateQueue: { accountId: other, kind: QueueKind.CALL, name: 'Q' },
  ListQueues: { accountId: other },
  AddQueueMember: { accountId: other, queueId: 'q_x', userId: 'usr_demo_zendesk_agent1', role: QueueRole.AGENT },
  RemoveQueueMember: { accountId: other, queueId: 'q_x', userId: 'usr_demo_zendesk_agent1' },
  RemoveUserFromAllQueues: { accountId: other, userId: 'usr_demo_zendesk_agent1' },
  GetQueue: { accountId: other, queueId: 'q_x' },
  RenameQueue: { accountId: other, queueId: 'q_x', name: 'Mine now' },
  DeleteQueue: { accountId: other, queueId: 'q_x' },
  GetBillableState: { accountId: other, userId: 'usr_demo_zendesk_agent1' },
  ListAuditEvents: { accountId: other },
  ListDecisions: { accountId: other },
  GetPhoneConfiguration: { accountId: other, userId: 'usr_demo_zendesk_agent1' },
  UpdatePhoneConfiguration: { accountId: other, userId: 'usr_demo_zendesk_agent1', extension: '12' },
};

/** Mutations a plain member attempts on their own account; all must be refused. */
const MEMBER_MUTATIONS: Record<string, Record<string, unknown>> = {
  CreateUser: { email: 'sneaky@demo-goto.test', displayName: 'Sneaky', roles: ['super_admin'] },
  AssignLicenses: { userId: 'usr_demo_goto_agent', products: [{ productId: 'goto_meeting' }] },
  UnassignLicenses: { userId: 'usr_demo_goto_admin', productIds: ['goto_meeting'] },
  BulkAssignLicenses: { userIds: ['usr_demo_goto_agent'], products: [{ productId: 'goto_meeting' }] },
  BulkUnassignLicenses: { userIds: ['usr_demo_goto_admin'], productIds: ['goto_meeting'] },
  UpdateFeatures: { userId: 'usr_demo_goto_admin', productId: 'goto_meeting', features: { hd_video: false } },
  PurchaseSeats: {
    productId: 'goto_meeting',
    quantity: 1,
    expectedUnitPrice: { currencyCode: 'USD', amountMinor: 1400n },
  },
  RequestSeatsFromSales: { productId: 'goto_meeting', quantity: 1 },
  CompleteSalesOrder: { orderId: 'so_x' },
  ReduceSeats: { productId: 'goto_meeting', newTotal: 3 },
  CreateQueue: { kind: QueueKind.CALL, name: 'Mine' },
  RemoveUserFromAllQueues: { userId: 'usr_demo_goto_admin' },
  RenameQueue: { queueId: 'q_x', name: 'Mine' },
  // Making themself a super admin.
  UpdateUser: { userId: 'usr_demo_goto_agent', roles: ['super_admin'], updateMask: { paths: ['roles'] } },
  DeactivateUser: { userId: 'usr_demo_goto_admin' },
  TransferLicense: { fromUserId: 'usr_demo_goto_admin', toUserId: 'usr_demo_goto_agent', productId: 'goto_meeting' },
  DeleteQueue: { queueId: 'q_x' },
};

const call = async (method: string, body: Record<string, unknown>, token: string) => {
  const client = createClient(LicensingService, stack.address, { token });
  const localName = LicensingService.methods.find((m) => m.name === method)!.localName;
  try {
    const answer = (client as unknown as Record<string, (r: unknown) => unknown>)[localName]!(body);
    // A server stream answers like a unary call here: its first message, or its refusal.
    const response = await (LicensingService.methods.find((m) => m.name === method)!.methodKind === 'server_streaming'
      ? firstMessage(answer as ServerStream<unknown>)
      : answer);
    return { code: GrpcStatus.OK, response };
  } catch (error) {
    return decodeGrpcError(error as never);
  } finally {
    client.close();
  }
};

describe('tenancy: no RPC reads or changes another account', () => {
  it('covers every RPC but the shared catalog', () => {
    expect(Object.keys(FOREIGN).sort()).toEqual(
      LicensingService.methods
        .map((m) => m.name)
        .filter((n) => n !== 'ListProducts')
        .sort(),
    );
  });

  it.each(Object.entries(FOREIGN))('%s naming another account is PERMISSION_DENIED', async (method, body) => {
    const result = await call(method, body, tokens.admin!);
    expect(result.code).toBe(GrpcStatus.PERMISSION_DENIED);
  });
});

describe('roles: a member without license rights changes nothing', () => {
  it.each(Object.entries(MEMBER_MUTATIONS))('%s by a member is PERMISSION_DENIED', async (method, body) => {
    const latestAudit = async () => {
      const result = await call('ListAuditEvents', { pageSize: 1 }, tokens.admin!);
      return (result as { response: { events: { id: string }[] } }).response.events[0]?.id ?? 'none';
    };
    const before = await latestAudit();
    const result = await call(method, body, tokens.member!);
    expect(result.code).toBe(GrpcStatus.PERMISSION_DENIED);
    expect(await latestAudit()).toBe(before);
  });
});
