/**
 * Every RPC over the socket: another account's data is never visible or changeable, and a member
 * without license rights cannot change anything. A table of RPC x caller, checked against the
 * real server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { AccountKind, AccountStyle, LicensingService, QueueKind, QueueRole } from '@acme/contracts';
import { loadOrCreateDevKeys, signToken } from '@acme/auth';
import { createClient, decodeGrpcError, GrpcStatus } from '@acme/grpc';
import { loadLicensingConfig } from '@acme/licensing';
import { startDevStack, type DevStack } from './dev-stack.js';

const dir = mkdtempSync(join(tmpdir(), 'tenancy-'));
let stack: DevStack;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  const config = loadLicensingConfig({
    GRPC_PORT: '0',
    SQLITE_PATH: join(dir, 'licensing.db'),
    SEED_DEMO: 'true',
    LOG_LEVEL: 'silent',
  });
  stack = await startDevStack({ config, logger: pino({ level: 'silent' }), devKeysFile: join(dir, 'dev-jwks.json') });
  const keys = await loadOrCreateDevKeys(join(dir, 'dev-jwks.json'));
  const sign = (subject: string) =>
    signToken(keys.privateJwk, { subject, accountId: 'acct_demo_goto', issuer: 'acme-dev', audience: 'licensing' });
  tokens.member = await sign('usr_demo_goto_agent');
  tokens.admin = await sign('usr_demo_goto_admin');
});

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
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
  AssignLicenses: { accountId: other, userId: 'usr_demo_zendesk_agent1', products: [{ productId: 'zendesk_talk' }] },
  UnassignLicenses: { accountId: other, userId: 'usr_demo_zendesk_agent1', productIds: ['zendesk_chat'] },
  UpdateFeatures: {
    accountId: other,
    userId: 'usr_demo_zendesk_agent1',
    productId: 'zendesk_chat',
    features: { chat_triggers: false },
  },
  ListAssignments: { accountId: other },
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
  ListAuditEvents: { accountId: other },
  GetPhoneConfiguration: { accountId: other, userId: 'usr_demo_zendesk_agent1' },
  UpdatePhoneConfiguration: { accountId: other, userId: 'usr_demo_zendesk_agent1', extension: '12' },
};

/** Mutations a plain member attempts on their own account; all must be refused. */
const MEMBER_MUTATIONS: Record<string, Record<string, unknown>> = {
  CreateUser: { email: 'sneaky@demo-goto.test', displayName: 'Sneaky', roles: ['super_admin'] },
  AssignLicenses: { userId: 'usr_demo_goto_agent', products: [{ productId: 'goto_meeting' }] },
  UnassignLicenses: { userId: 'usr_demo_goto_admin', productIds: ['goto_meeting'] },
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
};

const call = async (method: string, body: Record<string, unknown>, token: string) => {
  const client = createClient(LicensingService, stack.address, { token });
  const localName = LicensingService.methods.find((m) => m.name === method)!.localName;
  try {
    const response = await (client as unknown as Record<string, (r: unknown) => Promise<unknown>>)[localName]!(body);
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
