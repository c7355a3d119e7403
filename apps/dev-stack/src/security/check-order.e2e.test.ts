/**
 * Checks in the right order, over the socket, on PostgreSQL: a caller who may not act is refused by
 * the who-may-act rules before any answer that depends on the account's data; an idempotency key
 * replays only its own caller's answer, after that caller is authorized; values the request checks
 * accept always fit their columns; and odd but validly signed tokens are refused as
 * UNAUTHENTICATED, never INTERNAL or UNAVAILABLE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrpcStatus } from '@acme/grpc';
import { withPostgresDatabase } from '@acme/testing';
import { bearer, GOTO, startSecurityStack, type Outcome, type SecurityStack } from './security-stack.js';

const database = await withPostgresDatabase('check_order');
let stack: SecurityStack;
let admin: string;
let member: string;
let bareService: string;

beforeAll(async () => {
  if (database.skip) return;
  stack = await startSecurityStack({ env: { DATABASE_URL: database.url } });
  admin = bearer(await stack.sign({ subject: 'usr_demo_goto_admin', accountId: GOTO }));
  member = bearer(await stack.sign({ subject: 'usr_demo_goto_agent', accountId: GOTO }));
  bareService = bearer(await stack.sign({ subject: 'svc:no-scope', kind: 'service' }));
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const POLICY_DENIAL = { code: GrpcStatus.PERMISSION_DENIED, reason: 'POLICY_DENIED' };
const outcome = (o: Outcome) => ({ code: o.code, reason: o.reason });

describe.skipIf(database.skip)('who may act is decided before the account is read', () => {
  it.each([
    [
      'AssignLicenses of a product the user already holds',
      'AssignLicenses',
      { userId: 'usr_demo_goto_manager', products: [{ productId: 'goto_meeting' }] },
    ],
    [
      'AssignLicenses to a user who does not exist',
      'AssignLicenses',
      { userId: 'usr_nope', products: [{ productId: 'goto_meeting' }] },
    ],
    [
      'UnassignLicenses of a product the user does not hold',
      'UnassignLicenses',
      { userId: 'usr_demo_goto_manager', productIds: ['goto_contact_center'] },
    ],
    [
      'UpdateFeatures of a user who does not exist',
      'UpdateFeatures',
      { userId: 'usr_nope', productId: 'goto_meeting', features: { recording: false } },
    ],
    ['CreateUser with an email already taken', 'CreateUser', { email: 'ada@demo-goto.test', displayName: 'Ada Again' }],
    [
      'AddQueueMember to a queue that does not exist',
      'AddQueueMember',
      { queueId: 'q_nope', userId: 'usr_demo_goto_agent', role: 1 },
    ],
    ['RemoveUserFromAllQueues of a user who does not exist', 'RemoveUserFromAllQueues', { userId: 'usr_nope' }],
    [
      'ReduceSeats of a product the account has no seats of',
      'ReduceSeats',
      { productId: 'zendesk_support', newTotal: 0 },
    ],
  ])('a plain member: %s is the policy denial, not an answer about the data', async (_label, rpc, body) => {
    expect(outcome(await stack.call(rpc, body, member))).toEqual(POLICY_DENIAL);
  });

  it('an allowed caller still gets the precise answer', async () => {
    expect(
      outcome(
        await stack.call('AssignLicenses', { userId: 'usr_nope', products: [{ productId: 'goto_meeting' }] }, admin),
      ),
    ).toEqual({ code: GrpcStatus.NOT_FOUND, reason: 'NOT_FOUND' });
  });
});

describe.skipIf(database.skip)('idempotency keys belong to their caller', () => {
  const create = { kind: 1, name: 'Escalations' };
  const key = { 'x-request-id': 'check-order-queue' };

  it('replays an answer only to the caller who made it, and only after authorizing them', async () => {
    const first = await stack.call('CreateQueue', { ...create, idempotencyKey: 'queue-1' }, admin, key);
    expect(first.code).toBe(GrpcStatus.OK);
    const again = await stack.call('CreateQueue', { ...create, idempotencyKey: 'queue-1' }, admin);
    expect(again.response).toEqual(first.response);

    // The same bytes and key from a member: the policy's denial, not the admin's queue.
    expect(outcome(await stack.call('CreateQueue', { ...create, idempotencyKey: 'queue-1' }, member))).toEqual(
      POLICY_DENIAL,
    );
    // A service without scope learns nothing about the key either (no IDEMPOTENCY_KEY_REUSED).
    const probe = await stack.call(
      'CreateQueue',
      { ...create, accountId: GOTO, idempotencyKey: 'queue-1', name: 'Other' },
      bareService,
    );
    expect(outcome(probe)).toEqual(POLICY_DENIAL);
    // The admin reusing the key for another request is refused as such.
    expect(
      outcome(await stack.call('CreateQueue', { ...create, name: 'Other', idempotencyKey: 'queue-1' }, admin)),
    ).toEqual({ code: GrpcStatus.FAILED_PRECONDITION, reason: 'IDEMPOTENCY_KEY_REUSED' });
  });
});

describe.skipIf(database.skip)('values the checks accept fit their columns', () => {
  const longEmail = `${'a'.repeat(64)}@${'b'.repeat(255)}.${'c'.repeat(63)}`;

  it('an email longer than its column is INVALID_ARGUMENT, for every caller, and nothing is written', async () => {
    for (const caller of [admin, member]) {
      const refused = await stack.call('CreateUser', { email: longEmail, displayName: 'Long' }, caller);
      expect(outcome(refused)).toEqual({ code: GrpcStatus.INVALID_ARGUMENT, reason: 'INVALID_ARGUMENT' });
      expect(refused.message).toContain('email');
    }
    const users = (await stack.call('ListUsers', { pageSize: 100 }, admin)).response as { users: { email: string }[] };
    expect(users.users.map((u) => u.email).filter((e) => e.length > 300)).toEqual([]);
  });

  it('the longest email the checks accept is stored', async () => {
    const longest = `${'a'.repeat(64)}@${'b'.repeat(250)}.${'c'.repeat(4)}`;
    expect(longest).toHaveLength(320);
    expect((await stack.call('CreateUser', { email: longest, displayName: 'Longest' }, admin)).code).toBe(
      GrpcStatus.OK,
    );
  });

  it('an id one character longer than its column is INVALID_ARGUMENT, not a lookup', async () => {
    const tooLong = `usr_${'x'.repeat(61)}`;
    expect(
      outcome(
        await stack.call('AssignLicenses', { userId: tooLong, products: [{ productId: 'goto_meeting' }] }, admin),
      ),
    ).toEqual({ code: GrpcStatus.INVALID_ARGUMENT, reason: 'INVALID_ARGUMENT' });
  });
});

describe.skipIf(database.skip)('odd but validly signed tokens', () => {
  it.each([
    ['sub a number', { sub: 42 }],
    ['sub with U+0000', { sub: 'usr_demo_goto_admin\u0000' }],
    ['acct with U+0000 (PostgreSQL cannot store it)', { acct: 'acct_demo_goto\u0000' }],
    ['sub over 200 characters', { sub: `usr_${'a'.repeat(200)}` }],
    ['roles as a string', { roles: 'super_admin' }],
    ['a 16 KB claim', { note: 'x'.repeat(16 * 1024) }],
  ])('%s is UNAUTHENTICATED on every kind of call', async (_label, rawClaims) => {
    const token = bearer(await stack.sign({ subject: 'usr_demo_goto_admin', accountId: GOTO, rawClaims }));
    for (const [rpc, body] of [
      ['GetAccount', {}],
      ['CreateUser', { email: 'odd@demo-goto.test', displayName: 'Odd' }],
    ] as const) {
      expect(outcome(await stack.call(rpc, body, token)), rpc).toEqual({
        code: GrpcStatus.UNAUTHENTICATED,
        reason: 'UNAUTHENTICATED',
      });
    }
  });

  it('a token over 8 KiB is UNAUTHENTICATED, and the connection keeps serving the caller', async () => {
    const big = bearer(
      await stack.sign({ subject: 'usr_demo_goto_admin', accountId: GOTO, rawClaims: { note: 'x'.repeat(40 * 1024) } }),
    );
    expect(outcome(await stack.call('GetAccount', {}, big))).toEqual({
      code: GrpcStatus.UNAUTHENTICATED,
      reason: 'UNAUTHENTICATED',
    });
    expect((await stack.call('GetAccount', {}, admin)).code).toBe(GrpcStatus.OK);
  });
});
