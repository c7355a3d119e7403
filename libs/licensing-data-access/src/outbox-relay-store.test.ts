/**
 * The outbox relay's half in the database: shard batches in account order, marked only after a
 * successful publish, and exclusive per shard across instances on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoRows } from '../test/demo-rows.js';
import { eventually, tempSqlitePath, withPostgresDatabase } from '@acme/testing';
import { openDatabase, type Database } from './database.js';
import { createOrm, type OrmOptions } from './orm.js';
import { MIGRATIONS } from './migrations/index.js';
import { FRESH_DATABASES } from '../test/fresh-databases.js';
import { relayShardOf } from './relay-shard.js';
import type { PendingOutboxEvent } from './outbox-relay-store.js';

const pg = await withPostgresDatabase('relay');
const sqlite = tempSqlitePath();
afterAll(() => sqlite.remove());

const GOTO = 'acct_demo_goto';
const ZENDESK = 'acct_demo_zendesk';

/** Appends `count` events to an account's outbox in one transaction. */
async function append(db: Database, accountId: string, count: number, occurredAt = new Date()): Promise<void> {
  await db.transaction((tx) =>
    tx.appendEvents(
      accountId,
      Array.from({ length: count }, (_, i) => ({
        eventId: `${accountId}-${Date.now()}-${Math.random()}-${i}`,
        eventType: 'license.assigned',
        occurredAt,
        payload: (seq: number) => new TextEncoder().encode(`${accountId}#${seq}`),
      })),
    ),
  );
}

/** Relays every shard that has work, collecting what was handed to `publish`. */
async function relayAll(
  db: Database,
  publish: (events: PendingOutboxEvent[]) => Promise<void> = async () => {},
): Promise<PendingOutboxEvent[]> {
  const seen: PendingOutboxEvent[] = [];
  await db.outbox.relayShards(await db.outbox.shardsWithPending(), 1000, async (events) => {
    await publish(events);
    seen.push(...events);
  });
  return seen;
}

describe.each([
  ['libsql', () => ({ sqlitePath: sqlite.path }) as OrmOptions, false],
  ['postgresql', () => ({ databaseUrl: pg.url, poolSize: 5 }) as OrmOptions, pg.skip],
] as const)('outbox relay store on %s', (_name, options, skip) => {
  let db: Database;

  beforeAll(async () => {
    if (skip) return;
    db = await openDatabase(options());
    await db.migrate();
    await seedDemoRows(db);
  });
  afterAll(async () => db?.close());

  it.skipIf(skip)('hands over each shard in account and sequence order, then marks it published', async () => {
    await append(db, GOTO, 3);
    await append(db, ZENDESK, 2);
    await append(db, GOTO, 1);
    const backlog = await db.outbox.backlog();
    expect(backlog.pending).toBe(6);
    expect(backlog.oldestOccurredAt).toBeInstanceOf(Date);

    const published = await relayAll(db);
    const byAccount = (id: string) =>
      published.filter((e) => e.accountId === id).map((e) => new TextDecoder().decode(e.payload));
    expect(byAccount(GOTO)).toEqual([`${GOTO}#1`, `${GOTO}#2`, `${GOTO}#3`, `${GOTO}#4`]);
    expect(byAccount(ZENDESK)).toEqual([`${ZENDESK}#1`, `${ZENDESK}#2`]);
    expect(await db.outbox.backlog()).toEqual({ pending: 0, oldestOccurredAt: null });
    expect(await db.outbox.shardsWithPending()).toEqual([]);
    expect((await db.outbox.list(GOTO)).every((e) => e.publishedAt !== null)).toBe(true);
    expect(await relayAll(db)).toEqual([]);
  });

  it.skipIf(skip)('keeps the events when the publish fails, and hands the same ones over next time', async () => {
    await append(db, GOTO, 2);
    await expect(
      relayAll(db, async () => {
        throw new Error('broker down');
      }),
    ).rejects.toThrow('broker down');
    expect((await db.outbox.backlog()).pending).toBe(2);
    const retried = await relayAll(db);
    expect(retried.map((e) => e.sequence)).toEqual([5, 6]);
    expect((await db.outbox.backlog()).pending).toBe(0);
  });

  it.skipIf(skip)("stores every event on its account's shard", async () => {
    await append(db, ZENDESK, 1);
    expect(await db.outbox.shardsWithPending()).toEqual([relayShardOf(ZENDESK)]);
    await relayAll(db);
  });

  it.skipIf(skip || _name === 'libsql')('lets only one instance relay a shard at a time', async () => {
    const other = await openDatabase(options());
    try {
      await append(db, GOTO, 1);
      const shard = relayShardOf(GOTO);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const first = db.outbox.relayShards([shard], 100, async () => {
        entered();
        await held;
      });
      await inside;
      // While the first instance is publishing, the second one cannot claim the shard...
      expect(await other.outbox.relayShards([shard], 100, async () => expect.fail('published twice'))).toEqual({
        claimed: [],
        published: 0,
      });
      release();
      expect(await first).toEqual({ claimed: [shard], published: 1 });
      // ...and once the first committed, there is nothing left for it.
      expect(await other.outbox.relayShards([shard], 100, async () => expect.fail('published twice'))).toEqual({
        claimed: [shard],
        published: 0,
      });
    } finally {
      await other.close();
    }
  });

  it.skipIf(skip || _name === 'libsql')(
    'frees the shards of an instance that stops making progress, for another one to publish them',
    async () => {
      const other = await openDatabase(options());
      try {
        await append(db, GOTO, 2);
        const shard = relayShardOf(GOTO);
        let entered!: () => void;
        const inside = new Promise<void>((resolve) => (entered = resolve));
        let release!: () => void;
        const hung = new Promise<void>((resolve) => (release = resolve));
        // The first instance takes the shard and hangs in its publish (a frozen process would too).
        const stuck = db.outbox.relayShards(
          [shard],
          100,
          async () => {
            entered();
            await hung;
          },
          () => new Date(),
          300,
        );
        const failed = stuck.then(
          () => null,
          (error: unknown) => error,
        );
        await inside;
        // After its lease, the shard is the other instance's: the same events, in order, once.
        const published: PendingOutboxEvent[] = [];
        await eventually(
          async () =>
            (
              await other.outbox.relayShards([shard], 100, async (events) => void published.push(...events))
            ).claimed.includes(shard),
          { what: 'the shard taken over', intervalMs: 50 },
        );
        expect(published.filter((e) => e.accountId === GOTO).map((e) => e.sequence)).toEqual(
          [...published.filter((e) => e.accountId === GOTO).map((e) => e.sequence)].sort((x, y) => x - y),
        );
        expect(published.filter((e) => e.accountId === GOTO)).toHaveLength(2);
        // The stuck instance, when it moves again, marks nothing: its session was ended.
        release();
        expect(await failed).toBeInstanceOf(Error);
        expect(await other.outbox.relayShards([shard], 100, async () => expect.fail('published twice'))).toEqual({
          claimed: [shard],
          published: 0,
        });
      } finally {
        await other.close();
      }
    },
  );
});

describe.each(FRESH_DATABASES)('relay shard migration on %s', (_name, fresh, skip) => {
  it.skipIf(skip)("gives the events already in the outbox their account's shard", async () => {
    const { options, drop } = await fresh();
    const orm = await createOrm(options);
    try {
      const shardMigration = MIGRATIONS.findIndex((m) => m.name === 'Migration20261125000000OutboxRelayShard');
      await orm.migrator.up({ to: MIGRATIONS[shardMigration - 1]!.name });
      const em = orm.em.fork();
      await em.execute(
        'insert into account (id, name, kind, style, legacy_plan, card_on_file, created_at, event_sequence) ' +
          "values ('acct_old', 'Old', 'self_service', 'goto', false, false, ?, 1)",
        [new Date()],
      );
      await em.execute(
        "insert into outbox_event (id, account_id, sequence, event_type, payload, occurred_at) values ('evt_old', 'acct_old', 1, 'license.assigned', ?, ?)",
        [Buffer.from([0]), new Date()],
      );
      await orm.migrator.up();
      const rows = (await orm.em
        .fork()
        .execute("select relay_shard from outbox_event where id = 'evt_old'", [], 'all')) as { relay_shard: number }[];
      expect(Number(rows[0]!.relay_shard)).toBe(relayShardOf('acct_old'));
      expect(relayShardOf('acct_old')).not.toBe(0); // the column's temporary default would not pass for the backfill
    } finally {
      await orm.close(true);
      await drop();
    }
  });
});
