/**
 * Seat accounting under concurrency, against the real PostgreSQL: the guarded counter update
 * is the only way seats are taken, so racing transactions can never over-allocate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoRows } from '../test/demo-rows.js';
import pg from 'pg';
import { createTestPostgres, skipWithoutPostgres } from '@acme/testing';
import { openDatabase, type Database } from './database.js';

const skip = await skipWithoutPostgres();
const ACCOUNT = 'acct_demo_goto';
let db: Database;
let url: string;
let drop = async () => {};

beforeAll(async () => {
  if (skip) return;
  const database = await createTestPostgres('seats');
  ({ url, drop } = database);
  db = await openDatabase({ databaseUrl: url, poolSize: 20 });
  await db.migrate();
  await seedDemoRows(db);
  // 200 users who want a seat of GoTo Meeting, for each way of racing below.
  await db.transaction(async (tx) => {
    for (const race of RACES) {
      for (let i = 0; i < 200; i++) {
        tx.insertUser({
          id: `usr_race_${race}_${i}`,
          accountId: ACCOUNT,
          email: `race-${race}-${i}@demo-goto.test`,
          displayName: `Racer ${i}`,
          roles: ['member'],
          permissions: [],
          createdAt: new Date(),
        });
      }
    }
  });
});

/**
 * Without a prefetch the transaction's COMMIT goes out after its last statement's answer; with one
 * (as every licensing mutation does), the transaction id is known and the COMMIT travels right
 * behind the write statement, so a shortage must fail that statement itself.
 */
const RACES = ['plain', 'prefetching'] as const;

async function freeSeats(count: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(
    `update subscription set purchased_seats = assigned_seats + $2 where account_id = $1 and product_id = 'goto_meeting'`,
    [ACCOUNT, count],
  );
  await client.end();
}

afterAll(async () => {
  if (skip) return;
  await db.close();
  await drop();
});

class NoSeatLeft extends Error {}
const noSeatLeft = () => new NoSeatLeft('no seat left');

async function counts() {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ purchased: number; assigned: number; actual: string }>(
    `select s.purchased_seats as purchased, s.assigned_seats as assigned,
            (select count(*) from assignment a where a.account_id = s.account_id and a.product_id = s.product_id) as actual
       from subscription s where s.account_id = $1 and s.product_id = 'goto_meeting'`,
    [ACCOUNT],
  );
  await client.end();
  return { purchased: rows[0]!.purchased, assigned: rows[0]!.assigned, actual: Number(rows[0]!.actual) };
}

describe.skipIf(skip)('seat accounting on PostgreSQL', () => {
  it.each(RACES)(
    '200 concurrent assignments at 50 free seats (%s): exactly 50 succeed and the counter matches the rows',
    async (race) => {
      await freeSeats(50);
      const before = await counts();
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          db
            .transaction(async (tx) => {
              if (race === 'prefetching') await tx.readFirst({ accountId: ACCOUNT });
              // On PostgreSQL the guarded update is written with the assignment row, at the end:
              // a shortage found then must roll the row back with it.
              await tx.reserveSeats(ACCOUNT, 'goto_meeting', 1, noSeatLeft);
              tx.insertAssignment({
                accountId: ACCOUNT,
                userId: `usr_race_${race}_${i}`,
                productId: 'goto_meeting',
                features: {},
                createdAt: new Date(),
              });
              return true;
            })
            .catch((error: unknown) => {
              if (error instanceof NoSeatLeft) return false;
              throw error;
            }),
        ),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(50);
      const after = await counts();
      expect(after.assigned).toBe(before.assigned + 50);
      expect(after.assigned).toBe(after.actual);
      expect(after.assigned).toBeLessThanOrEqual(after.purchased);
    },
  );

  it('a transaction that fails after reserving gives the seat back (nothing half-applied)', async () => {
    const before = await counts();
    await expect(
      db.transaction(async (tx) => {
        await tx.releaseSeats(ACCOUNT, 'goto_meeting', 1);
        throw new Error('boom after the counter moved');
      }),
    ).rejects.toThrow('boom');
    expect(await counts()).toEqual(before);
  });

  it('a dry run returns its result and changes nothing', async () => {
    const before = await counts();
    const result = await db.transaction(
      async (tx) => {
        await tx.releaseSeats(ACCOUNT, 'goto_meeting', 1);
        await tx.reserveSeats(ACCOUNT, 'goto_meeting', 1, noSeatLeft);
        return 'would do';
      },
      { dryRun: true },
    );
    expect(result).toBe('would do');
    expect(await counts()).toEqual(before);
  });

  it('statements on assignments see the rows this transaction holds for its end', async () => {
    const before = await counts();
    await db.transaction(async (tx) => {
      // Give one holder's seat back, then take it again for them: held until the end of the transaction.
      const holder = (await tx.holders(ACCOUNT, 'goto_meeting'))[0]!;
      await tx.deleteAssignment(holder.assignmentId);
      await tx.releaseSeats(ACCOUNT, 'goto_meeting', 1);
      await tx.reserveSeats(ACCOUNT, 'goto_meeting', 1, noSeatLeft);
      const held = tx.insertAssignment({
        accountId: ACCOUNT,
        userId: holder.userId,
        productId: 'goto_meeting',
        features: {},
        createdAt: new Date(),
      });
      expect((await tx.holders(ACCOUNT, 'goto_meeting')).map((h) => h.assignmentId)).toContain(held.id);
      await tx.updateAssignmentFeatures(held.id, { recording: true });
      // Throws ConcurrentChangeError if the row is not there yet.
      await tx.deleteAssignment(held.id);
      await tx.releaseSeats(ACCOUNT, 'goto_meeting', 1);
      await tx.reserveSeats(ACCOUNT, 'goto_meeting', 1, noSeatLeft);
      tx.insertAssignment({
        accountId: ACCOUNT,
        userId: holder.userId,
        productId: 'goto_meeting',
        features: {},
        createdAt: new Date(),
      });
    });
    expect(await counts()).toEqual(before);
  });

  it('a dry run meets the same seat check as the real change', async () => {
    const before = await counts();
    expect(before.assigned).toBe(before.purchased);
    await expect(
      db.transaction(async (tx) => tx.reserveSeats(ACCOUNT, 'goto_meeting', 1, noSeatLeft), { dryRun: true }),
    ).rejects.toBeInstanceOf(NoSeatLeft);
    expect(await counts()).toEqual(before);
  });
});
