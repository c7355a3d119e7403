/**
 * Mutations of one account that wait together share one transaction (runMutationChain), against
 * the real PostgreSQL: each sees what those before it wrote, a refusal before writing leaves the
 * others standing, anything else runs every one of them again alone, and each change is applied
 * exactly once. A session holding the account's row lock makes the mutations wait together.
 */
import type { OrmLicenseBook } from './orm-license-book.js';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@acme/util';
import { closeTestDatabase, untilAnotherSessionWaitsForLock, withPostgresDatabase } from '@acme/testing';
import { openDatabase, type Database } from './database.js';

const fixture = await withPostgresDatabase('mutation_chain');
const ACCOUNT = 'acct_demo_goto';
let db: Database;
let direct: pg.Client;

beforeAll(async () => {
  if (fixture.skip) return;
  db = await openDatabase({ databaseUrl: fixture.url });
  await db.migrate();
  await db.seedDemo();
  direct = new pg.Client({ connectionString: fixture.url });
  await direct.connect();
});

afterAll(async () => {
  await direct?.end();
  await db?.close();
});

type Behaviour = 'apply' | 'refuse' | 'refuse after writing' | 'throw';

/** What one mutation saw each time its work ran. */
interface Probe {
  name: string;
  runs: number;
  transactionIds: string[];
  sequence?: number;
}

let batch = 0;

/** One mutation of ACCOUNT: an audit entry and an event named after it, or the failure asked for. */
function mutation(probe: Probe, behaviour: Behaviour): Promise<string> {
  return db.transaction(
    async (book) => {
      // The runner's own book: the test looks at what the port does not show (the transaction id).
      const tx = book as OrmLicenseBook;
      probe.runs++;
      await tx.readFirst({ accountId: ACCOUNT });
      probe.transactionIds.push(tx.transactionId!);
      if (behaviour === 'refuse')
        throw new AppError('failed_precondition', `${probe.name} refused`, { reason: 'TEST_REFUSAL' });
      if (behaviour === 'throw') throw new Error(`${probe.name} broke`);
      tx.appendAudit([
        {
          accountId: ACCOUNT,
          actor: 'usr_chain',
          action: 'test.chain',
          resourceType: 'test',
          resourceId: probe.name,
          before: null,
          after: null,
          causationId: probe.name,
          occurredAt: new Date(),
        },
      ]);
      [probe.sequence] = await tx.appendEvents(ACCOUNT, [
        { eventId: randomUUID(), eventType: 'test.chain', occurredAt: new Date(), payload: () => new Uint8Array([1]) },
      ]);
      if (behaviour === 'refuse after writing') {
        await tx.writeHeld();
        throw new AppError('failed_precondition', `${probe.name} refused after writing`, { reason: 'TEST_REFUSAL' });
      }
      return probe.name;
    },
    { account: ACCOUNT },
  );
}

const settled = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

/**
 * Runs one mutation per behaviour, all waiting for the account together: the first is blocked on
 * the row lock held by another session while the others queue behind it, then the lock is freed.
 */
async function waitingTogether(behaviours: Behaviour[]) {
  const probes = behaviours.map((_, i): Probe => ({ name: `chain-${++batch}-${i}`, runs: 0, transactionIds: [] }));
  const holder = new pg.Client({ connectionString: fixture.url });
  await holder.connect();
  try {
    await holder.query('begin');
    await holder.query('select 1 from account where id = $1 for update', [ACCOUNT]);
    const first = settled(mutation(probes[0]!, behaviours[0]!));
    await untilAnotherSessionWaitsForLock(fixture.url, holder);
    const rest = probes.slice(1).map((probe, i) => settled(mutation(probe, behaviours[i + 1]!)));
    await holder.query('commit');
    const outcomes = await Promise.all([first, ...rest]);
    const audit: number[] = [];
    // One after another: a pg Client runs one query at a time.
    for (const p of probes) audit.push(await auditEntriesOf(p.name));
    return { probes, outcomes, audit };
  } finally {
    await holder.end();
  }
}

async function auditEntriesOf(resourceId: string): Promise<number> {
  return Number(
    (await direct.query<{ n: string }>('select count(*) as n from audit_entry where resource_id = $1', [resourceId]))
      .rows[0]!.n,
  );
}

const consecutive = (numbers: number[]) => numbers.every((n, i) => i === 0 || n === numbers[i - 1]! + 1);

describe.skipIf(fixture.skip)('mutations of one account waiting together', () => {
  it('commit in one transaction, each continuing from what the one before it wrote', async () => {
    const { probes, outcomes, audit } = await waitingTogether(['apply', 'apply', 'apply', 'apply', 'apply']);
    expect(outcomes).toEqual(probes.map((p) => ({ value: p.name })));
    expect(new Set(probes.flatMap((p) => p.transactionIds)).size).toBe(1);
    expect(probes.map((p) => p.runs)).toEqual([1, 1, 1, 1, 1]);
    // Each read the sequence the previous one left: no gaps, no repeats.
    expect(consecutive(probes.map((p) => p.sequence!))).toBe(true);
    expect(audit).toEqual([1, 1, 1, 1, 1]);
  });

  it('go on without one refused before it wrote anything, which alone gets its refusal', async () => {
    const { probes, outcomes, audit } = await waitingTogether(['apply', 'apply', 'refuse', 'apply', 'refuse']);
    expect(outcomes[2]).toMatchObject({ error: { reason: 'TEST_REFUSAL', message: `${probes[2]!.name} refused` } });
    expect(outcomes[4]).toMatchObject({ error: { reason: 'TEST_REFUSAL' } });
    expect([outcomes[0], outcomes[1], outcomes[3]]).toEqual([0, 1, 3].map((i) => ({ value: probes[i]!.name })));
    expect(new Set(probes.flatMap((p) => p.transactionIds)).size).toBe(1);
    expect(probes.map((p) => p.runs)).toEqual([1, 1, 1, 1, 1]);
    expect(consecutive([0, 1, 3].map((i) => probes[i]!.sequence!))).toBe(true);
    expect(audit).toEqual([1, 1, 0, 1, 0]);
  });

  it('run again one by one when one fails after writing, and apply each change once', async () => {
    const { probes, outcomes, audit } = await waitingTogether(['apply', 'apply', 'refuse after writing', 'apply']);
    expect(outcomes[2]).toMatchObject({
      error: { reason: 'TEST_REFUSAL', message: `${probes[2]!.name} refused after writing` },
    });
    expect([outcomes[0], outcomes[1], outcomes[3]]).toEqual([0, 1, 3].map((i) => ({ value: probes[i]!.name })));
    // The chain that held the first three rolled back; each then ran in a transaction of its own.
    expect(probes.slice(0, 3).map((p) => p.runs)).toEqual([2, 2, 2]);
    expect(probes[0]!.transactionIds[0]).toBe(probes[2]!.transactionIds[0]);
    expect(probes[0]!.transactionIds[1]).not.toBe(probes[1]!.transactionIds[1]);
    expect(audit).toEqual([1, 1, 0, 1]);
  });

  it('run again one by one when one throws something other than a refusal, which its caller gets', async () => {
    const { probes, outcomes, audit } = await waitingTogether(['apply', 'throw', 'apply']);
    expect(outcomes[1]).toMatchObject({ error: { message: `${probes[1]!.name} broke` } });
    expect([outcomes[0], outcomes[2]]).toEqual([{ value: probes[0]!.name }, { value: probes[2]!.name }]);
    expect(probes[0]!.runs).toBe(2);
    expect(audit).toEqual([1, 0, 1]);
  });

  it('are told about through onCommit and onMutationTimed once each, after the commit', async () => {
    const changes: number[] = [];
    const timings: number[] = [];
    const stopCommits = db.onCommit((change) => changes.push(change.events));
    const stopTimings = db.onMutationTimed((timing) => timings.push(timing.commitMs));
    try {
      await waitingTogether(['apply', 'apply', 'refuse', 'apply']);
    } finally {
      stopCommits();
      stopTimings();
    }
    expect(changes).toEqual([3]);
    expect(timings).toHaveLength(3);
  });

  it('are answered, not left waiting, when the database refuses connections, and go on once it accepts them again', async () => {
    const probe: Probe = { name: `chain-${++batch}-refused`, runs: 0, transactionIds: [] };
    let outcome: Awaited<ReturnType<typeof settled>>;
    // This file's own session would die with the others; it is opened again below.
    await direct.end();
    const open = await closeTestDatabase(fixture.url, { terminate: true });
    try {
      outcome = await settled(mutation(probe, 'apply'));
    } finally {
      await open();
    }
    expect(outcome).toMatchObject({ error: { type: 'unavailable', reason: 'UNAVAILABLE' } });
    direct = new pg.Client({ connectionString: fixture.url });
    await direct.connect();
    // It may have started on a pooled session that was dying already; either way it left nothing.
    expect(await auditEntriesOf(probe.name)).toBe(0);
    const { probes, outcomes, audit } = await waitingTogether(['apply', 'apply']);
    expect(outcomes).toEqual(probes.map((p) => ({ value: p.name })));
    expect(audit).toEqual([1, 1]);
  });
});
