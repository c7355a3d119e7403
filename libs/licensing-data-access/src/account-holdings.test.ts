/**
 * The licensing side of a reconciliation, on both databases: seats, assignments, queue members as
 * Contact Center users (once per user, however many queues) and the events not yet published.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoRows } from '../test/demo-rows.js';
import { tempSqlitePath, withPostgresDatabase } from '@acme/testing';
import { openDatabase, type Database } from './database.js';
import type { OrmOptions } from './orm.js';

const pg = await withPostgresDatabase('holdings');
const sqlite = tempSqlitePath();
afterAll(() => sqlite.remove());

const GOTO = 'acct_demo_goto';
const ZENDESK = 'acct_demo_zendesk';
const CC = 'goto_contact_center';

describe.each([
  ['libsql', () => ({ sqlitePath: sqlite.path }) as OrmOptions, false],
  ['postgresql', () => ({ databaseUrl: pg.url, poolSize: 2 }) as OrmOptions, pg.skip],
] as const)('account holdings on %s', (_name, options, skip) => {
  let db: Database;

  beforeAll(async () => {
    if (skip) return;
    db = await openDatabase(options());
    await db.migrate();
    await seedDemoRows(db);
    const at = new Date('2026-11-10T12:00:00Z');
    await db.transaction(async (tx) => {
      const call = tx.insertQueue({ accountId: GOTO, kind: 'call', name: 'Front desk', createdAt: at });
      const inbound = tx.insertQueue({ accountId: GOTO, kind: 'inbound', name: 'Support', createdAt: at });
      await tx.insertMembership(GOTO, { queueId: call.id, userId: 'usr_demo_goto_agent', role: 'agent' }, at);
      await tx.insertMembership(GOTO, { queueId: inbound.id, userId: 'usr_demo_goto_agent', role: 'supervisor' }, at);
      await tx.insertMembership(GOTO, { queueId: inbound.id, userId: 'usr_demo_goto_manager', role: 'agent' }, at);
      await tx.appendEvents(
        GOTO,
        ['e1', 'e2', 'e3'].map((eventId) => ({
          eventId,
          eventType: 'license.assigned',
          occurredAt: at,
          payload: (sequence: number) => new TextEncoder().encode(`${eventId}#${sequence}`),
        })),
      );
    });
    // One event published: it no longer counts as pending.
    await db.outbox.relayShards(await db.outbox.shardsWithPending(), 1, async () => {});
  });

  afterAll(async () => {
    await db?.close();
  });

  it.skipIf(skip)("reads one account's seats, assignments, Contact Center users and pending events", async () => {
    const [goto, ...others] = await db.accounts.holdings({ accountId: GOTO, contactCenterProductId: CC });
    expect(others).toEqual([]);
    expect(goto).toEqual({
      accountId: GOTO,
      purchasedSeats: [
        { productId: 'goto_connect_standard', quantity: 10 },
        { productId: 'goto_contact_center', quantity: 5 },
        { productId: 'goto_meeting', quantity: 10 },
      ],
      assignments: expect.any(Array),
      contactCenterMembers: [
        { productId: CC, userId: 'usr_demo_goto_agent' },
        { productId: CC, userId: 'usr_demo_goto_manager' },
      ],
      pendingEvents: 2,
    });
    const assignments = goto!.assignments;
    expect(assignments.map((a) => a.id)).toEqual(assignments.map((a) => a.id).sort());
    expect(assignments.map((a) => `${a.userId} ${a.productId}`).sort()).toEqual([
      'usr_demo_goto_admin goto_connect_standard',
      'usr_demo_goto_admin goto_meeting',
      'usr_demo_goto_agent goto_connect_standard',
      'usr_demo_goto_agent goto_contact_center',
      'usr_demo_goto_manager goto_meeting',
    ]);
  });

  it.skipIf(skip)('reads every account, in id order, each with only its own rows', async () => {
    const all = await db.accounts.holdings({ contactCenterProductId: CC });
    expect(all.map((h) => h.accountId)).toEqual([GOTO, ZENDESK]);
    const zendesk = all[1]!;
    expect(zendesk.purchasedSeats.every((s) => s.productId.startsWith('zendesk_') && s.quantity === 5)).toBe(true);
    expect(zendesk.assignments).toHaveLength(6);
    expect(zendesk.contactCenterMembers).toEqual([]);
    expect(zendesk.pendingEvents).toBe(0);
    expect(all[0]).toEqual((await db.accounts.holdings({ accountId: GOTO, contactCenterProductId: CC }))[0]);
  });

  it.skipIf(skip)('answers nothing for an account that does not exist', async () => {
    expect(await db.accounts.holdings({ accountId: 'acct_none', contactCenterProductId: CC })).toEqual([]);
  });
});
