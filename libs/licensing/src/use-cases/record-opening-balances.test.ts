import { fromBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from '@acme/contracts';
import type { Database } from '@acme/licensing-data-access';
import { DRIVERS, openSeededDatabase } from '../../test/handler-harness.js';
import { recordOpeningBalances } from './record-opening-balances.js';

const ACCOUNT = 'acct_imported_one';
const NOW = new Date('2026-12-07T04:00:00Z');
const IMPORTED_AT = new Date('2026-03-02T08:00:00Z');

/**
 * An account as an import writes it: rows only (seats, users, assignments), no audit, no events;
 * what opening balances are for. Ten Connect and five Meeting seats, three users.
 */
async function importAccountRows(db: Database, accountId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.insertAccount({
      id: accountId,
      name: `Imported ${accountId}`,
      kind: 'self_service',
      style: 'goto',
      legacyPlan: false,
      cardOnFile: false,
      ownerUserId: null,
      offeringId: 'goto_business',
      currency: 'USD',
      billingProfileId: null,
      createdAt: IMPORTED_AT,
      suspended: false,
    });
    for (const [productId, seats, price] of [
      ['goto_connect_standard', 10, 2800],
      ['goto_meeting', 5, 1400],
    ] as const) {
      await tx.ensureSubscription(accountId, productId, price, 'USD');
      await tx.setPurchasedSeats(accountId, productId, seats);
    }
    for (const [i, products] of [
      ['goto_connect_standard', 'goto_meeting'],
      ['goto_connect_standard'],
      ['goto_meeting'],
    ].entries()) {
      const createdAt = new Date(IMPORTED_AT.getTime() + i * 60_000);
      const user = tx.insertUser({
        accountId,
        email: `user${i}@${accountId}.test`,
        displayName: `User ${i}`,
        roles: ['member'],
        permissions: [],
        createdAt,
      });
      for (const productId of products) {
        await tx.reserveSeats(accountId, productId, 1, () => new Error('no seat'));
        tx.insertAssignment({ accountId, userId: user.id, productId, features: {}, createdAt });
      }
    }
  });
}

describe.each(DRIVERS)('opening balances on %s', (driver, skip) => {
  let db: Database;
  let cleanup = async () => {};
  beforeAll(async () => {
    if (skip) return;
    ({ db, cleanup } = await openSeededDatabase(driver, 'opening'));
    for (const id of [ACCOUNT, 'acct_imported_two']) await importAccountRows(db, id);
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
      // Effective when the seats and assignments began (the import's past), not when recorded.
      const value = e.payload.value as { effectiveTime?: { seconds: bigint } };
      expect(Number(value.effectiveTime!.seconds) * 1000).toBeLessThan(NOW.getTime());
    }
    const audit = await db.audit.list(ACCOUNT, { actor: 'system:opening-balance' });
    expect(audit.events.map((a) => a.action)).toEqual(['account.opening_balance']);
  });

  // A start that died between an import and its opening balances, or two instances starting
  // together, must not bill the import twice: only an account that never sent an event gets them.
  it.skipIf(skip)('records nothing a second time', async () => {
    const before = (await db.outbox.list(ACCOUNT)).length;
    expect(before).toBeGreaterThan(0);
    expect(await recordOpeningBalances(db, ACCOUNT, NOW)).toBe(0);
    expect(await db.outbox.list(ACCOUNT)).toHaveLength(before);
    const audit = await db.audit.list(ACCOUNT, { actor: 'system:opening-balance' });
    expect(audit.events).toHaveLength(1);
  });

  it.skipIf(skip)('two at once record them once', async () => {
    const other = 'acct_imported_two';
    const counts = await Promise.all([1, 2].map(() => recordOpeningBalances(db, other, NOW)));
    expect(counts.filter((n) => n > 0)).toHaveLength(1);
    expect(await db.outbox.list(other)).toHaveLength(Math.max(...counts));
  });
});
