/**
 * How a commit is told: to listeners in this process (accounts changed, events appended), and on
 * PostgreSQL to every instance listening (NOTIFY at commit, never for a rollback), with a reset
 * whenever notifications may have been missed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { seedDemoRows } from '../test/demo-rows.js';
import pg from 'pg';
import { eventually, startTcpProxy, tempSqlitePath, withPostgresDatabase } from '@acme/testing';
import { openDatabase, type Database } from './database.js';
import type { CommittedChange } from './change-feed.js';

const pgFixture = await withPostgresDatabase('changefeed');
const GOTO = 'acct_demo_goto';
const ZENDESK = 'acct_demo_zendesk';
const audit = (accountId: string) => ({
  accountId,
  actor: 'usr_x',
  action: 'test.changed',
  resourceType: 'test',
  resourceId: 'x',
  before: null,
  after: null,
  causationId: 'req',
  occurredAt: new Date(),
});
const event = (id: string) => ({
  eventId: id,
  eventType: 'license.assigned',
  occurredAt: new Date(),
  payload: () => new Uint8Array([1]),
});

describe('commit listeners in this process', () => {
  const file = tempSqlitePath();
  afterAll(() => file.remove());

  it('hear which accounts a commit changed and how many events it appended; not dry runs or reads', async () => {
    const db = await openDatabase({ sqlitePath: file.path });
    try {
      await db.migrate();
      await seedDemoRows(db);
      const heard: CommittedChange[] = [];
      const unsubscribe = db.onCommit((change) => heard.push(change));
      await db.transaction(async (tx) => {
        tx.appendAudit([audit(GOTO), audit(ZENDESK)]);
        await tx.appendEvents(GOTO, [event('e1'), event('e2')]);
      });
      await db.transaction(async (tx) => tx.appendAudit([audit(GOTO)]), { dryRun: true });
      await db.transaction(async (tx) => tx.account(GOTO));
      expect(heard).toEqual([{ accounts: [GOTO, ZENDESK], events: 2 }]);
      unsubscribe();
      await db.transaction(async (tx) => tx.appendAudit([audit(GOTO)]));
      expect(heard).toHaveLength(1);
    } finally {
      await db.close();
    }
  });
});

describe.skipIf(pgFixture.skip)('the change feed on PostgreSQL', () => {
  let writer: Database;
  let reader: Database;
  afterAll(async () => {
    await writer?.close();
    await reader?.close();
  });

  it('tells another instance of committed changes, not of rolled-back ones, and resets after a lost connection', async () => {
    writer = await openDatabase({ databaseUrl: pgFixture.url, poolSize: 2 });
    await writer.migrate();
    await seedDemoRows(writer);
    reader = await openDatabase({ databaseUrl: pgFixture.url, poolSize: 2 });
    const accounts: string[] = [];
    const resets: boolean[] = [];
    const feed = reader.watchChanges({
      onAccount: (id) => accounts.push(id),
      onReset: (connected) => resets.push(connected),
    })!;
    try {
      await eventually(() => feed.connected, { what: 'listening' });
      expect(resets).toEqual([true]);

      await writer.transaction(async (tx) => tx.appendAudit([audit(ZENDESK)]));
      await expect(
        writer.transaction(async (tx) => {
          tx.appendAudit([audit(GOTO)]);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      await writer.transaction(async (tx) => tx.appendAudit([audit(GOTO)]));
      await eventually(() => accounts.length >= 2, { what: 'two notifications' });
      expect(accounts).toEqual([ZENDESK, GOTO]);

      // The database drops the listening connection: caches must forget, and listening resumes.
      const admin = new pg.Client({ connectionString: pgFixture.url });
      await admin.connect();
      await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query like 'listen%'",
      );
      await admin.end();
      await eventually(() => resets.length >= 3, { what: 'reset after the lost connection, then reconnection' });
      expect(resets.slice(0, 3)).toEqual([true, false, true]);
      await writer.transaction(async (tx) => tx.appendAudit([audit(ZENDESK)]));
      await eventually(() => accounts.length === 3, { what: 'a notification after reconnecting' });
    } finally {
      await feed.stop();
    }
  });
});

describe.skipIf(pgFixture.skip)('the change feed on a connection that dies silently', () => {
  it(
    'stops vouching for caches within its silence bound, resets them, and listens again once packets flow',
    { timeout: 90_000 },
    async () => {
      const target = new URL(pgFixture.url);
      const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
      const writer = await openDatabase({ databaseUrl: pgFixture.url, poolSize: 1 });
      const reader = await openDatabase({ databaseUrl: proxy.url(pgFixture.url), poolSize: 1 });
      const accounts: string[] = [];
      const resets: boolean[] = [];
      const feed = reader.watchChanges(
        { onAccount: (id) => accounts.push(id), onReset: (connected) => resets.push(connected) },
        // A generous bound: only an 8 s stall of this process or of PostgreSQL could pass for silence.
        { heartbeatMs: 100, maxSilenceMs: 8_000 },
      )!;
      try {
        await writer.migrate();
        await eventually(() => feed.connected, { what: 'listening' });
        // Alive for longer than the silence bound without a single change: the heartbeat keeps it so.
        await new Promise((resolve) => setTimeout(resolve, 9_000));
        expect(feed.connected).toBe(true);
        expect(resets).toEqual([true]);

        // Packets are dropped from now on, without a reset: nothing closes the connection.
        proxy.setSilent(true);
        await eventually(() => !feed.connected, { what: 'the feed no longer vouching for caches' });
        await eventually(() => resets.length >= 2, { what: 'caches reset' });
        expect(resets.slice(0, 2)).toEqual([true, false]);
        await writer.transaction(async (tx) => tx.appendAudit([audit(GOTO)]));
        expect(accounts).toEqual([]);

        proxy.setSilent(false);
        await eventually(() => feed.connected, { what: 'listening again on a new connection', timeoutMs: 20_000 });
        expect(resets.at(-1)).toBe(true);
        await writer.transaction(async (tx) => tx.appendAudit([audit(ZENDESK)]));
        await eventually(() => accounts.includes(ZENDESK), { what: 'a notification after reconnecting' });
      } finally {
        await feed.stop();
        await reader.close();
        await writer.close();
        await proxy.close();
      }
    },
  );
});
