import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedgerDatabase, type EventRecord, type LedgerDatabase } from '@acme/billing-data-access';
import { tempSqlitePath } from '@acme/testing';
import { compareLedgers, inSnapshot } from './compare-ledgers.js';

const at = new Date('2026-11-03T10:00:00Z');
const scope = { topic: 'license-events', endOffsets: new Map([[0, 100n]]) };

function event(eventId: string, offset: number, quantity = 1): EventRecord {
  return {
    eventId,
    accountId: 'acct_a',
    sequence: offset + 1,
    eventType: 'seats.purchased',
    outcome: 'entries',
    source: { topic: 'license-events', partition: 0, offset: String(offset) },
    cause: null,
    entries: [
      {
        id: `v1:${eventId}:0`,
        eventId,
        accountId: 'acct_a',
        sequence: offset + 1,
        kind: 'seats_added',
        productId: 'goto_meeting',
        userId: null,
        assignmentId: null,
        quantity,
        unitPriceMinor: 1400,
        currency: 'USD',
        billingPeriod: 'month',
        billingBasis: 'purchased_seats',
        effectiveAt: at,
        reason: 'purchase',
      },
    ],
  };
}

describe('compareLedgers', () => {
  const files = [tempSqlitePath(), tempSqlitePath()];
  let live: LedgerDatabase;
  let rebuilt: LedgerDatabase;
  beforeAll(async () => {
    live = await openLedgerDatabase({ sqlitePath: files[0]!.path });
    rebuilt = await openLedgerDatabase({ sqlitePath: files[1]!.path });
    await Promise.all([live.migrate(), rebuilt.migrate()]);
  });
  afterAll(async () => {
    await Promise.all([live.close(), rebuilt.close()]);
    for (const f of files) f.remove();
  });

  it('finds two ledgers built from the same events identical, across many pages', async () => {
    const events = Array.from({ length: 2_500 }, (_, i) => event(`e${String(i).padStart(5, '0')}`, i % 90));
    await live.record(events, at);
    await rebuilt.record([...events].reverse(), new Date()); // another order, another processing time
    const result = await compareLedgers(live, rebuilt, scope);
    expect(result).toEqual({
      identical: true,
      liveEvents: 2_500,
      rebuiltEvents: 2_500,
      liveEntries: 2_500,
      rebuiltEntries: 2_500,
      differences: [],
    });
  });

  it('names what only one side has and what differs', async () => {
    await live.record([event('only-live', 5), event('changed', 6, 2)], at);
    await rebuilt.record([event('only-rebuilt', 7), event('changed', 6, 3)], at);
    const result = await compareLedgers(live, rebuilt, scope);
    expect(result.identical).toBe(false);
    expect(result.differences).toEqual([
      'event only-live only in the live ledger: ["acct_a",6,"seats.purchased","entries",{"topic":"license-events","partition":0,"offset":"5"}]',
      'event only-rebuilt only in the rebuilt ledger: ["acct_a",8,"seats.purchased","entries",{"topic":"license-events","partition":0,"offset":"7"}]',
      expect.stringMatching(/^entry v1:changed:0 differs: live .*,2,1400,.* \/ rebuilt .*,3,1400,/),
      expect.stringMatching(/^entry v1:only-live:0 only in the live ledger/),
      expect.stringMatching(/^entry v1:only-rebuilt:0 only in the rebuilt ledger/),
    ]);
  });

  it('leaves out what lies beyond the snapshot', async () => {
    await live.record([event('after-snapshot', 150)], at);
    const result = await compareLedgers(live, rebuilt, scope);
    expect(result.differences.join('\n')).not.toContain('after-snapshot');
  });
});

describe('inSnapshot', () => {
  const snapshot = {
    topic: 'license-events',
    endOffsets: new Map([
      [0, 9n],
      [1, 10n],
    ]),
  };
  it("takes events read from the topic below their partition's end offset, and nothing else", () => {
    expect(inSnapshot({ topic: 'license-events', partition: 0, offset: '8' }, snapshot)).toBe(true);
    expect(inSnapshot({ topic: 'license-events', partition: 0, offset: '9' }, snapshot)).toBe(false);
    expect(inSnapshot({ topic: 'license-events', partition: 1, offset: '2' }, snapshot)).toBe(true);
    expect(inSnapshot({ topic: 'license-events', partition: 2, offset: '0' }, snapshot)).toBe(false);
    expect(inSnapshot({ topic: 'other', partition: 0, offset: '1' }, snapshot)).toBe(false);
    expect(inSnapshot(null, snapshot)).toBe(false);
  });
});
