/**
 * Concurrent purchases, reductions and assignments on one product, against the real PostgreSQL:
 * whatever interleaving happens, assigned seats never exceed purchased seats and the counter
 * always equals the assignment rows.
 */
import { create } from '@bufbuild/protobuf';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssignLicensesRequestSchema, PurchaseSeatsRequestSchema, ReduceSeatsRequestSchema } from '@acme/contracts';
import { openDatabase, type Database } from '@acme/licensing-data-access';
import { loadRuleSet } from '@acme/rules';
import { createTestPostgres, skipWithoutPostgres, untilAnotherSessionWaitsForLock } from '@acme/testing';
import { createAssignmentHandlers } from './assignment-handlers.js';
import { callContext, caller, seedDemoAccounts } from '../../test/handler-harness.js';
import { createSeatHandlers } from './seat-handlers.js';

const skip = await skipWithoutPostgres();
const ACCOUNT = 'acct_demo_goto';
const admin = caller();
const context = callContext(admin);
let db: Database;
let url = '';
let drop = async () => {};

beforeAll(async () => {
  if (skip) return;
  ({ url, drop } = await createTestPostgres('interleave'));
  db = await openDatabase({ databaseUrl: url, poolSize: 20 });
  await db.migrate();
  await seedDemoAccounts(db);
  await db.transaction(async (tx) => {
    for (let i = 0; i < 60; i++)
      tx.insertUser({
        id: `usr_mix_${i}`,
        accountId: ACCOUNT,
        email: `mix${i}@demo-goto.test`,
        displayName: `Mix ${i}`,
        roles: ['member'],
        permissions: [],
        createdAt: new Date(),
      });
    for (let i = 0; i < 200; i++)
      tx.insertUser({
        id: `usr_rush_${i}`,
        accountId: ACCOUNT,
        email: `rush${i}@demo-goto.test`,
        displayName: `Rush ${i}`,
        roles: ['member'],
        permissions: [],
        createdAt: new Date(),
      });
  });
});
afterAll(async () => {
  if (skip) return;
  await db.close();
  await drop();
});

async function invariant(productId = 'goto_meeting') {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ purchased: number; assigned: number; actual: string }>(
    `select purchased_seats as purchased, assigned_seats as assigned,
            (select count(*) from assignment a where a.account_id = s.account_id and a.product_id = s.product_id) as actual
       from subscription s where account_id = $1 and product_id = $2`,
    [ACCOUNT, productId],
  );
  await client.end();
  return { purchased: rows[0]!.purchased, assigned: rows[0]!.assigned, actual: Number(rows[0]!.actual) };
}

describe.skipIf(skip)('seat interleavings on PostgreSQL', () => {
  it('never leaves assigned above purchased, and the counter equals the rows', async () => {
    const rules = await loadRuleSet();
    const deps = { db, rules: () => rules, now: () => new Date() };
    const assign = createAssignmentHandlers(deps);
    const seats = createSeatHandlers(deps);
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      work.push(
        assign.assignLicenses(
          create(AssignLicensesRequestSchema, { userId: `usr_mix_${i}`, products: [{ productId: 'goto_meeting' }] }),
          context,
        ),
      );
      if (i % 6 === 0)
        work.push(
          seats.reduceSeats(
            create(ReduceSeatsRequestSchema, { productId: 'goto_meeting', newTotal: 5 + (i % 7) }),
            context,
          ),
        );
      if (i % 5 === 0)
        work.push(
          seats.purchaseSeats(
            create(PurchaseSeatsRequestSchema, {
              productId: 'goto_meeting',
              quantity: 3,
              expectedUnitPrice: { currencyCode: 'USD', amountMinor: 1400n },
            }),
            context,
          ),
        );
    }
    const outcomes = await Promise.allSettled(work);
    const state = await invariant();
    expect(state.assigned).toBe(state.actual);
    expect(state.assigned).toBeLessThanOrEqual(state.purchased);
    // Refusals are expected (no seat, concurrent change); anything else would be a defect.
    const unexpected = outcomes.filter(
      (o) =>
        o.status === 'rejected' &&
        !['resource_exhausted', 'aborted', 'invalid_argument', 'failed_precondition'].includes(
          (o.reason as { type?: string }).type ?? '',
        ),
    );
    expect(unexpected.map((o) => (o as PromiseRejectedResult).reason)).toEqual([]);
    expect(outcomes.some((o) => o.status === 'fulfilled')).toBe(true);
  });

  it('200 concurrent AssignLicenses calls at 50 free seats: exactly 50 succeed, the rest are SEATS_EXHAUSTED', async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(
      `update subscription set purchased_seats = assigned_seats + 50 where account_id = $1 and product_id = 'goto_contact_center'`,
      [ACCOUNT],
    );
    await client.end();
    const before = await invariant('goto_contact_center');
    const rules = await loadRuleSet();
    const assign = createAssignmentHandlers({ db, rules: () => rules, now: () => new Date() });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        assign.assignLicenses(
          create(AssignLicensesRequestSchema, {
            userId: `usr_rush_${i}`,
            products: [{ productId: 'goto_contact_center' }],
          }),
          context,
        ),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(50);
    const reasons = new Set(
      outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason.reason),
    );
    expect(reasons).toEqual(new Set(['SEATS_EXHAUSTED']));
    const after = await invariant('goto_contact_center');
    expect(after.assigned).toBe(before.assigned + 50);
    expect(after).toMatchObject({ assigned: after.actual, purchased: after.assigned });
  });

  it('concurrent retries with one idempotency key apply once and all get the first response', async () => {
    const rules = await loadRuleSet();
    const assign = createAssignmentHandlers({ db, rules: () => rules, now: () => new Date() });
    const request = create(AssignLicensesRequestSchema, {
      userId: 'usr_rush_199',
      products: [{ productId: 'goto_connect_standard' }],
      idempotencyKey: 'retry-storm-1',
    });
    const before = await invariant('goto_connect_standard');
    const responses = await Promise.all(Array.from({ length: 8 }, () => assign.assignLicenses(request, context)));
    expect(new Set(responses.map((r) => r.results![0]!.assignment!.id)).size).toBe(1);
    expect((await invariant('goto_connect_standard')).assigned).toBe(before.assigned + 1);
  });

  it('an assignment queued behind the removal of the same seat gives it again, instead of calling it held', async () => {
    // usr_demo_goto_manager holds GoTo Meeting. Another mutation of the account holds its lock
    // and removes that seat; the assignment that waited for the lock must see the removal.
    const user = 'usr_demo_goto_manager';
    const rules = await loadRuleSet();
    const assign = createAssignmentHandlers({ db, rules: () => rules, now: () => new Date() });
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select 1 from account where id = $1 for update', [ACCOUNT]);
      expect(
        (await holder.query(`delete from assignment where user_id = $1 and product_id = 'goto_meeting'`, [user]))
          .rowCount,
      ).toBe(1);
      await holder.query(
        `update subscription set assigned_seats = assigned_seats - 1 where account_id = $1 and product_id = 'goto_meeting'`,
        [ACCOUNT],
      );
      const queued = assign.assignLicenses(
        create(AssignLicensesRequestSchema, { userId: user, products: [{ productId: 'goto_meeting' }] }),
        context,
      );
      await untilAnotherSessionWaitsForLock(url, holder);
      await holder.query('commit');
      const response = await queued;
      expect(response.results![0]!.assignment!.userId).toBe(user);
      const { rows } = await holder.query(
        `select 1 from assignment where user_id = $1 and product_id = 'goto_meeting'`,
        [user],
      );
      expect(rows).toHaveLength(1);
      const state = await invariant();
      expect(state.assigned).toBe(state.actual);
    } finally {
      await holder.end();
    }
  });
});
