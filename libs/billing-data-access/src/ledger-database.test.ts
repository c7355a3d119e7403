/**
 * The ledger tables on both drivers: migrations equal the entities, one transaction per batch,
 * exact de-duplication (also under concurrent consumers), and entries that cannot be changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempSqlitePath } from '@acme/testing';
import { openLedgerDatabase, type EventRecord, type LedgerDatabase } from './ledger-database.js';
import type { LedgerEntry } from './ledger-entry-record.js';
import { createOrm } from './orm.js';
import { ledgerDrivers } from '../test/ledger-drivers.js';

const DRIVERS = await ledgerDrivers('ledger');

const at = new Date('2026-11-03T10:00:00Z');

function assigned(eventId: string, sequence: number, accountId = 'acct_a'): EventRecord {
  const entry: LedgerEntry = {
    id: `v1:${eventId}:0`,
    eventId,
    accountId,
    sequence,
    kind: 'seat_opened',
    productId: 'goto_meeting',
    userId: 'usr_1',
    assignmentId: `asg_${eventId}`,
    quantity: 1,
    unitPriceMinor: 1400,
    currency: 'USD',
    billingPeriod: 'month',
    billingBasis: 'purchased_seats',
    effectiveAt: at,
    reason: 'assigned',
  };
  return {
    eventId,
    accountId,
    sequence,
    eventType: 'license.assigned',
    outcome: 'entries',
    source: { topic: 'license-events', partition: 2, offset: String(100 + sequence) },
    cause: {
      occurredAt: new Date('2026-11-03T09:59:58.123Z'),
      causationId: `req "${eventId}", {x}`,
      actor: { subject: 'usr_admin', kind: 'user' },
      ruleIds: ['cc-billing-start', 'GOTO-003'],
    },
    entries: [entry],
  };
}

const noCharge = (eventId: string, sequence: number): EventRecord => ({
  eventId,
  accountId: 'acct_a',
  sequence,
  eventType: 'features.changed',
  outcome: 'no_charge',
  source: null,
  cause: null,
  entries: [],
});

describe.each(DRIVERS)('ledger database on %s', (_name, options, skip) => {
  let ledger: LedgerDatabase;
  beforeAll(async () => {
    if (skip) return;
    ledger = await openLedgerDatabase(options());
    await ledger.migrate();
  });
  afterAll(async () => ledger?.close());

  it.skipIf(skip)('has a migrated schema equal to its entities', async () => {
    expect(await ledger.pendingSchemaChanges()).toBe('');
    await ledger.migrate();
    expect(await ledger.pendingSchemaChanges()).toBe('');
  });

  it.skipIf(skip)('records events with their entries, and ignores them when they come again', async () => {
    expect(await ledger.record([assigned('e1', 1), noCharge('e2', 2)], at)).toEqual({ recorded: 2, duplicates: 0 });
    expect(await ledger.record([assigned('e1', 1), assigned('e3', 3), assigned('e3', 3)], at)).toEqual({
      recorded: 1,
      duplicates: 2,
    });
    expect(await ledger.counts()).toEqual({ processedEvents: 3, ledgerEntries: 2 });
    const entries = await ledger.entries('acct_a');
    expect(entries.map((e) => e.id)).toEqual(['v1:e1:0', 'v1:e3:0']);
    expect(entries[0]).toEqual(assigned('e1', 1).entries[0]);
    const processed = await ledger.processedAfter(null, 10);
    expect(processed.map((p) => [p.eventId, p.source?.offset ?? null])).toEqual([
      ['e1', '101'],
      ['e2', null],
      ['e3', '103'],
    ]);
    // Each event's cause as its envelope gave it; none for an event recorded without one.
    expect(processed.map((p) => p.cause)).toEqual([assigned('e1', 1).cause, null, assigned('e3', 3).cause]);
  });

  it.skipIf(skip)('records nothing of a batch whose transaction fails', async () => {
    const broken = assigned('e4', 4);
    broken.entries.push({ ...broken.entries[0]!, kind: 'no_such_kind' as LedgerEntry['kind'] });
    await expect(ledger.record([assigned('e5', 5), broken], at)).rejects.toThrow();
    expect(await ledger.counts()).toEqual({ processedEvents: 3, ledgerEntries: 2 });
  });

  it.skipIf(skip)('refuses to change or delete a ledger entry', async () => {
    const raw = await createOrm(options());
    try {
      await expect(raw.em.fork().execute("update ledger_entry set quantity = 5 where id = 'v1:e1:0'")).rejects.toThrow(
        /immutable/,
      );
      await expect(raw.em.fork().execute("delete from ledger_entry where id = 'v1:e1:0'")).rejects.toThrow(/immutable/);
    } finally {
      await raw.close(true);
    }
    expect((await ledger.entries('acct_a'))[0]!.quantity).toBe(1);
  });

  it.skipIf(skip)('records an event once when concurrent consumers race with it', async () => {
    const batches = Array.from({ length: 6 }, (_, i) => [
      assigned('race-1', 10),
      assigned(`race-own-${i}`, 11 + i),
      assigned('race-2', 20),
    ]);
    const results = await Promise.all(batches.map((batch) => ledger.record(batch, at)));
    expect(results.reduce((sum, r) => sum + r.recorded, 0)).toBe(2 + 6);
    const ids = (await ledger.entriesAfter(null, 1000)).map((e) => e.eventId);
    expect(ids.filter((id) => id === 'race-1')).toHaveLength(1);
    expect(ids.filter((id) => id === 'race-2')).toHaveLength(1);
  });

  it.skipIf(skip)('pages through every entry by id', async () => {
    const first = await ledger.entriesAfter(null, 2);
    const rest = await ledger.entriesAfter(first[first.length - 1]!.id, 1000);
    expect([...first, ...rest].map((e) => e.id)).toEqual((await ledger.entriesAfter(null, 1000)).map((e) => e.id));
    expect(first).toHaveLength(2);
  });

  it.skipIf(skip)(
    'keeps every value as given: quotes, backslashes, braces, commas, the word NULL, accents, absent values',
    async () => {
      const eventId = 'odd "1", {x}\\y NULL é';
      const event = assigned(eventId, 30, 'acct "odd", {b}\\NULL');
      event.entries[0] = {
        ...event.entries[0]!,
        productId: 'p,{"}\\',
        userId: 'NULL',
        assignmentId: null,
        unitPriceMinor: null,
        currency: null,
        billingPeriod: null,
      };
      event.cause = { ...event.cause!, actor: { subject: 'svc:"odd", {b}\\NULL', kind: 'service' } };
      expect(await ledger.record([event], at)).toEqual({ recorded: 1, duplicates: 0 });
      expect(await ledger.entries(event.accountId)).toEqual(event.entries);
      const processed = (await ledger.processedAfter(null, 1000)).find((p) => p.eventId === eventId);
      expect(processed).toEqual({
        eventId,
        accountId: event.accountId,
        sequence: 30,
        eventType: 'license.assigned',
        outcome: 'entries',
        source: event.source,
        cause: { ...event.cause!, actor: { subject: 'svc:"odd", {b}\\NULL', kind: 'service' } },
      });
    },
  );
});

describe('paging through the ledger', () => {
  it('gives each entry with where its event was read from', async () => {
    const file = tempSqlitePath();
    const ledger = await openLedgerDatabase({ sqlitePath: file.path });
    try {
      await ledger.migrate();
      await ledger.record([assigned('from-kafka', 1), { ...assigned('in-process', 2), source: null }], at);
      expect((await ledger.entriesAfter(null, 100)).map((e) => [e.eventId, e.source?.offset ?? null])).toEqual([
        ['from-kafka', '101'],
        ['in-process', null],
      ]);
    } finally {
      await ledger.close();
      file.remove();
    }
  });
});
