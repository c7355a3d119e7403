/**
 * The phases a committed mutation reports (metrics), against the real PostgreSQL: the wait for
 * the account's lock falls in `prefetch`, the work between the prefetch and the write in `decide`,
 * and only committed mutations are reported.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { seedDemoRows } from '../test/demo-rows.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilAnotherSessionWaitsForLock, withPostgresDatabase } from '@acme/testing';
import { openDatabase, type Database } from './database.js';
import type { MutationTiming } from './mutation-timing.js';

const fixture = await withPostgresDatabase('mutation_timing');
const ACCOUNT = 'acct_demo_goto';
const USER = 'usr_demo_goto_manager';
/** How long the mutation's own work takes, and how long another session keeps the account locked. */
const DECIDE_MS = 60;
const LOCK_HELD_MS = 2_000;
let db: Database;

beforeAll(async () => {
  if (fixture.skip) return;
  db = await openDatabase({ databaseUrl: fixture.url });
  await db.migrate();
  await seedDemoRows(db);
});

afterAll(async () => {
  await db?.close();
});

/** The timings reported while `run` goes on. */
async function timingsOf(run: () => Promise<unknown>): Promise<MutationTiming[]> {
  const timings: MutationTiming[] = [];
  const unsubscribe = db.onMutationTimed((timing) => timings.push(timing));
  try {
    await run();
  } finally {
    unsubscribe();
  }
  return timings;
}

describe.skipIf(fixture.skip)('mutation timing', () => {
  it('puts the wait for the account lock in prefetch and the work before the write in decide', async () => {
    const holder = new pg.Client({ connectionString: fixture.url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select 1 from account where id = $1 for update', [ACCOUNT]);
      const timings = await timingsOf(async () => {
        const mutation = db.transaction(async (tx) => {
          await tx.readFirst({ accountId: ACCOUNT, userId: USER });
          await sleep(DECIDE_MS);
        });
        await untilAnotherSessionWaitsForLock(fixture.url, holder);
        await sleep(LOCK_HELD_MS);
        await holder.query('commit');
        await mutation;
      });
      expect(timings).toHaveLength(1);
      const [timing] = timings;
      // Lower bounds hold however slow the machine is: the lock was held at least LOCK_HELD_MS
      // after the prefetch queued for it, and the work slept DECIDE_MS.
      expect(timing!.prefetchMs).toBeGreaterThanOrEqual(LOCK_HELD_MS);
      expect(timing!.decideMs).toBeGreaterThanOrEqual(DECIDE_MS - 5);
      expect(timing!.commitMs).toBeGreaterThan(0);
      // Had the lock wait landed in decide or commit, that phase would take LOCK_HELD_MS or more.
      // Normally they take DECIDE_MS and a few ms: the bound is over 30 times that, so only the
      // wait misplaced fails it, not a busy machine.
      expect(timing!.decideMs).toBeLessThan(LOCK_HELD_MS);
      expect(timing!.commitMs).toBeLessThan(LOCK_HELD_MS);
    } finally {
      await holder.end();
    }
  });

  it('reports nothing for a dry run, a failed mutation or a transaction that did not prefetch', async () => {
    const timings = await timingsOf(async () => {
      await db.transaction(async (tx) => void (await tx.readFirst({ accountId: ACCOUNT, userId: USER })), {
        dryRun: true,
      });
      await expect(
        db.transaction(async (tx) => {
          await tx.readFirst({ accountId: ACCOUNT, userId: USER });
          throw new Error('refused by the rules');
        }),
      ).rejects.toThrow('refused by the rules');
      await db.transaction(async (tx) => void (await tx.account(ACCOUNT)));
    });
    expect(timings).toEqual([]);
    // Reported again once a mutation commits.
    expect(
      await timingsOf(() =>
        db.transaction(async (tx) => void (await tx.readFirst({ accountId: ACCOUNT, userId: USER }))),
      ),
    ).toHaveLength(1);
  });
});
