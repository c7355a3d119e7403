import { fromBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from '@acme/contracts';
import type { Database } from '@acme/licensing-data-access';
import { DRIVERS, openSeededDatabase } from '../../test/handler-harness.js';
import { recordOpeningBalances } from './record-opening-balances.js';

const ACCOUNT = 'acct_demo_goto';
const NOW = new Date('2026-12-07T04:00:00Z');

describe.each(DRIVERS)('opening balances on %s', (driver, skip) => {
  let db: Database;
  let cleanup = async () => {};
  beforeAll(async () => {
    if (skip) return;
    ({ db, cleanup } = await openSeededDatabase(driver, 'opening'));
  });
  afterAll(async () => {
    if (!skip) await cleanup();
  });

  it.skipIf(skip)("records every product's seats and every assignment as events, with one audit entry", async () => {
    expect(await db.outbox.list(ACCOUNT)).toEqual([]);
    const usage = await db.accounts.seatUsage(ACCOUNT);
    const recorded = await recordOpeningBalances(db, ACCOUNT, NOW);

    const envelopes = (await db.outbox.list(ACCOUNT)).map((e) => fromBinary(events.EventEnvelopeSchema, e.payload));
    expect(envelopes).toHaveLength(recorded);
    const seats = Object.fromEntries(
      envelopes.flatMap((e) =>
        e.payload.case === 'seatsPurchased' ? [[e.payload.value.productId, e.payload.value.quantity]] : [],
      ),
    );
    expect(seats).toEqual(Object.fromEntries(usage.map((u) => [u.productId, u.purchased])));
    const assigned = envelopes.filter((e) => e.payload.case === 'licenseAssigned');
    expect(assigned).toHaveLength(usage.reduce((sum, u) => sum + u.assigned, 0));
    for (const e of envelopes) {
      expect(e.actor).toMatchObject({ subject: 'system:opening-balance', kind: events.ActorKind.SYSTEM });
      expect(e.causationId).toBe(`opening-balance:${ACCOUNT}`);
      // Effective when the seats and assignments began (the seed's past), not when recorded.
      const value = e.payload.value as { effectiveTime?: { seconds: bigint } };
      expect(Number(value.effectiveTime!.seconds) * 1000).toBeLessThan(NOW.getTime());
    }
    const audit = await db.audit.list(ACCOUNT, { actor: 'system:opening-balance' });
    expect(audit.events.map((a) => a.action)).toEqual(['account.opening_balance']);
  });

  // A start that died between the seed and its opening balances, or two instances starting together,
  // must not bill the seed twice: only an account that never sent an event gets them.
  it.skipIf(skip)('records nothing a second time', async () => {
    const before = (await db.outbox.list(ACCOUNT)).length;
    expect(before).toBeGreaterThan(0);
    expect(await recordOpeningBalances(db, ACCOUNT, NOW)).toBe(0);
    expect(await db.outbox.list(ACCOUNT)).toHaveLength(before);
    const audit = await db.audit.list(ACCOUNT, { actor: 'system:opening-balance' });
    expect(audit.events).toHaveLength(1);
  });

  it.skipIf(skip)('two at once record them once', async () => {
    const other = 'acct_demo_zendesk';
    const counts = await Promise.all([1, 2].map(() => recordOpeningBalances(db, other, NOW)));
    expect(counts.filter((n) => n > 0)).toHaveLength(1);
    expect(await db.outbox.list(other)).toHaveLength(Math.max(...counts));
  });
});
