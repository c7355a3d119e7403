/**
 * A mutation that waits for its account's lock must decide on what the previous holder committed,
 * against the real PostgreSQL. In READ COMMITTED a statement reads from the snapshot taken when it
 * started, so a prefetch that locked the account and read the rest in the same statement read the
 * user's assignments, the idempotency record and the seat counters as they were before the wait
 * (only the locked row itself is re-read).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoRows } from '../test/demo-rows.js';
import pg from 'pg';
import { createTestPostgres, skipWithoutPostgres, untilAnotherSessionWaitsForLock } from '@acme/testing';
import { openDatabase, type Database } from './database.js';

const skip = await skipWithoutPostgres();
const ACCOUNT = 'acct_demo_goto';
const USER = 'usr_demo_goto_manager';
const PRODUCT = 'goto_meeting';
let db: Database;
let url: string;
let drop = async () => {};

beforeAll(async () => {
  if (skip) return;
  const database = await createTestPostgres('prefetch_lock');
  ({ url, drop } = database);
  db = await openDatabase({ databaseUrl: url });
  await db.migrate();
  await seedDemoRows(db);
});

afterAll(async () => {
  if (skip) return;
  await db.close();
  await drop();
});

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

describe.skipIf(skip)('prefetch after waiting for the account lock', () => {
  it('sees the assignment removal, the seat counter and the idempotency record the previous holder committed', async () => {
    const holder = await connect();
    try {
      const { rows } = await holder.query<{ assigned: number }>(
        'select assigned_seats as assigned from subscription where account_id = $1 and product_id = $2',
        [ACCOUNT, PRODUCT],
      );
      const assignedBefore = rows[0]!.assigned;
      // Another mutation of the account holds its lock, removes the user's seat and records its key.
      await holder.query('begin');
      await holder.query('select 1 from account where id = $1 for update', [ACCOUNT]);
      await holder.query('delete from assignment where user_id = $1 and product_id = $2', [USER, PRODUCT]);
      await holder.query(
        'update subscription set assigned_seats = assigned_seats - 1 where account_id = $1 and product_id = $2',
        [ACCOUNT, PRODUCT],
      );
      await holder.query(
        `insert into idempotency_record (id, method, request_hash, response, created_at) values ($1, 'UnassignLicenses', 'h', '\\x00', now())`,
        [`${ACCOUNT}:key-1`],
      );

      const seen = db.transaction(
        async (tx) => {
          await tx.readFirst({ accountId: ACCOUNT, userId: USER, idempotencyKey: 'key-1', productIds: [PRODUCT] });
          return {
            assignments: await tx.assignmentsOfUser(USER),
            idempotency: await tx.findIdempotency(ACCOUNT, 'key-1'),
            subscriptions: await tx.subscriptions(ACCOUNT, [PRODUCT]),
          };
        },
        { dryRun: true },
      );
      await untilAnotherSessionWaitsForLock(url, holder);
      await holder.query('commit');

      const { assignments, idempotency, subscriptions } = await seen;
      expect(assignments.map((a) => a.productId)).not.toContain(PRODUCT);
      expect(idempotency?.method).toBe('UnassignLicenses');
      expect(subscriptions[0]?.assigned).toBe(assignedBefore - 1);
    } finally {
      await holder.end();
    }
  });
});
