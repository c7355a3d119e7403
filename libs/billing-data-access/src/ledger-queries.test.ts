/** The ledger's reads for the billing API, on both drivers: position, filtered pages, causes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedgerDatabase, type EventRecord, type LedgerDatabase } from './ledger-database.js';
import { ledgerDrivers } from '../test/ledger-drivers.js';

const DRIVERS = await ledgerDrivers('ledgerq');

/** Event `sequence` of acct_q: a seat of `productId` for `userId`, caused by request `request`. */
function seat(sequence: number, userId: string, productId: string, request: string, day: number): EventRecord {
  const eventId = `q${sequence}`;
  const effectiveAt = new Date(Date.UTC(2026, 10, day, 9));
  return {
    eventId,
    accountId: 'acct_q',
    sequence,
    eventType: 'license.assigned',
    outcome: 'entries',
    source: null,
    cause: {
      occurredAt: effectiveAt,
      causationId: request,
      actor: { subject: 'usr_admin', kind: 'user' },
      ruleIds: [],
    },
    entries: [
      {
        id: `v1:${eventId}:0`,
        eventId,
        accountId: 'acct_q',
        sequence,
        kind: 'seat_opened',
        productId,
        userId,
        assignmentId: `asg_${sequence}`,
        quantity: 1,
        unitPriceMinor: 2700,
        currency: 'USD',
        billingPeriod: 'month',
        billingBasis: 'purchased_seats',
        effectiveAt,
        reason: 'assigned',
      },
    ],
  };
}

describe.each(DRIVERS)('ledger reads on %s', (_name, options, skip) => {
  let ledger: LedgerDatabase;
  beforeAll(async () => {
    if (skip) return;
    ledger = await openLedgerDatabase(options());
    await ledger.migrate();
  });
  afterAll(async () => ledger?.close());

  it.skipIf(skip)('says how far the account is read: complete up to the first gap, and the last one', async () => {
    expect(await ledger.position('acct_q')).toEqual({ completeThrough: 0, lastSequence: 0, lastEventTime: null });
    await ledger.record([seat(1, 'usr_a', 'p1', 'req-1', 2), seat(2, 'usr_b', 'p1', 'req-1', 3)], new Date());
    await ledger.record([seat(4, 'usr_a', 'p2', 'req-2', 5)], new Date());
    expect(await ledger.position('acct_q')).toEqual({
      completeThrough: 2,
      lastSequence: 4,
      lastEventTime: new Date(Date.UTC(2026, 10, 5, 9)),
    });
    await ledger.record([seat(3, 'usr_c', 'p2', 'req-3', 4)], new Date());
    expect((await ledger.position('acct_q')).completeThrough).toBe(4);
    expect((await ledger.position('acct_other')).completeThrough).toBe(0);
  });

  it.skipIf(skip)('pages entries in ledger order, filtered by user, product, kind, time and request', async () => {
    const ids = async (filter: Parameters<LedgerDatabase['entryPage']>[0]) =>
      (await ledger.entryPage(filter, null, 100)).entries.map((e) => e.eventId);
    expect(await ids({ accountId: 'acct_q' })).toEqual(['q1', 'q2', 'q3', 'q4']);
    expect(await ids({ accountId: 'acct_q', userId: 'usr_a' })).toEqual(['q1', 'q4']);
    expect(await ids({ accountId: 'acct_q', productId: 'p2' })).toEqual(['q3', 'q4']);
    expect(await ids({ accountId: 'acct_q', kinds: ['seat_closed'] })).toEqual([]);
    expect(
      await ids({
        accountId: 'acct_q',
        effectiveFrom: new Date(Date.UTC(2026, 10, 3)),
        effectiveTo: new Date(Date.UTC(2026, 10, 5)),
      }),
    ).toEqual(['q2', 'q3']);
    expect(await ids({ accountId: 'acct_q', causationId: 'req-1' })).toEqual(['q1', 'q2']);
    expect(await ids({ accountId: 'acct_other', causationId: 'req-1' })).toEqual([]);

    const first = await ledger.entryPage({ accountId: 'acct_q' }, null, 3);
    expect(first.more).toBe(true);
    const last = first.entries.at(-1)!;
    const second = await ledger.entryPage({ accountId: 'acct_q' }, last, 3);
    expect([...first.entries, ...second.entries].map((e) => e.eventId)).toEqual(['q1', 'q2', 'q3', 'q4']);
    expect(second.more).toBe(false);
    expect(first.entries[0]!.event.cause).toMatchObject({ causationId: 'req-1', actor: { subject: 'usr_admin' } });
  });

  it.skipIf(skip)('finds recorded events by id, with their causes', async () => {
    const events = await ledger.processedEvents(['q2', 'q4', 'q2', 'missing']);
    expect([...events.keys()].sort()).toEqual(['q2', 'q4']);
    expect(events.get('q4')!.cause?.causationId).toBe('req-2');
  });
});
