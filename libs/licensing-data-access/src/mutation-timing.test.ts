/**
 * The phases a committed mutation reports (metrics), against the real PostgreSQL: the wait for
 * the account's lock falls in `prefetch`, the work between the prefetch and the write in `decide`,
 * and only committed mutations are reported.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilAnotherSessionWaitsForLock, withPostgresDatabase } from '@acme/testing';
import { openDatabase, type Database } from './database.js';
import type { MutationTiming } from './mutation-timing.js';

const fixture = await withPostgresDatabase('mutation_timing');
const ACCOUNT = 'acct_demo_goto';
const USER = 'usr_demo_goto_manager';
let db: Database;

beforeAll(async () => {
  if (fixture.skip) return;
  db = await openDatabase({ databaseUrl: fixture.url });
  await db.migrate();
  await db.seedDemo();
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
          await tx.prefetch({ accountId: ACCOUNT, userId: USER });
          await sleep(60);
        });
        await untilAnotherSessionWaitsForLock(fixture.url, holder);
        await sleep(150);
        await holder.query('commit');
        await mutation;
      });
      expect(timings).toHaveLength(1);
      const [timing] = timings;
      expect(timing!.prefetchMs).toBeGreaterThanOrEqual(150);
      expect(timing!.decideMs).toBeGreaterThanOrEqual(55);
      expect(timing!.decideMs).toBeLessThan(timing!.prefetchMs);
      expect(timing!.commitMs).toBeGreaterThan(0);
      expect(timing!.commitMs).toBeLessThan(timing!.prefetchMs);
    } finally {
      await holder.end();
    }
  });

  it('reports nothing for a dry run, a failed mutation or a transaction that did not prefetch', async () => {
    const timings = await timingsOf(async () => {
      await db.transaction(async (tx) => void (await tx.prefetch({ accountId: ACCOUNT, userId: USER })), { dryRun: true });
      await expect(
        db.transaction(async (tx) => {
          await tx.prefetch({ accountId: ACCOUNT, userId: USER });
          throw new Error('refused by the rules');
        }),
      ).rejects.toThrow('refused by the rules');
      await db.transaction(async (tx) => void (await tx.account(ACCOUNT)));
    });
    expect(timings).toEqual([]);
    // Reported again once a mutation commits.
    expect(await timingsOf(() => db.transaction(async (tx) => void (await tx.prefetch({ accountId: ACCOUNT, userId: USER }))))).toHaveLength(1);
  });
});
