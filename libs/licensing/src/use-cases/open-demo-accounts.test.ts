import { fromBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events } from '@acme/contracts';
import { DEMO_ACCOUNTS, type Database } from '@acme/licensing-data-access';
import { loadRuleSet } from '@acme/rules';
import { DRIVERS, openMigratedDatabase } from '../../test/handler-harness.js';
import { openDemoAccounts } from './open-demo-accounts.js';

const envelopes = async (db: Database, accountId: string) =>
  (await db.outbox.list(accountId)).map((e) => fromBinary(events.EventEnvelopeSchema, e.payload));

describe.each(DRIVERS)('the demo accounts, opened through the use cases, on %s', (driver, skip) => {
  let db: Database;
  let cleanup = async () => {};
  beforeAll(async () => {
    if (!skip) ({ db, cleanup } = await openMigratedDatabase(driver, 'demoseed'));
  });
  afterAll(async () => {
    if (!skip) await cleanup();
  });

  it.skipIf(skip)('opens each account once, two starts at the same moment included', async () => {
    const rules = await loadRuleSet();
    const [first, second] = await Promise.all([openDemoAccounts(db, rules), openDemoAccounts(db, rules)]);
    expect([...first, ...second].sort()).toEqual(DEMO_ACCOUNTS.map((a) => a.id).sort());
    expect(await openDemoAccounts(db, rules)).toEqual([]);
  });

  it.skipIf(skip)('holds what the demo data says: seats, users with their roles, assignments', async () => {
    for (const demo of DEMO_ACCOUNTS) {
      const account = await db.accounts.get(demo.id);
      expect(account).toMatchObject({ ownerUserId: demo.users[0]!.id, cardOnFile: demo.cardOnFile, kind: demo.kind });
      const usage = await db.accounts.seatUsage(demo.id);
      for (const [productId, purchased] of Object.entries(demo.seats)) {
        const assigned = demo.users.filter((u) => u.products.includes(productId)).length;
        expect(usage.find((u) => u.productId === productId)).toMatchObject({ purchased, assigned });
      }
      const users = (await db.users.list(demo.id, { pageSize: 50 })).users;
      for (const user of demo.users)
        expect(users.find((u) => u.id === user.id)).toMatchObject({ roles: user.roles, email: user.email });
    }
  });

  it.skipIf(skip)('sends every seat and assignment to billing as events, in the order they were made', async () => {
    for (const demo of DEMO_ACCOUNTS) {
      const sent = await envelopes(db, demo.id);
      expect(sent[0]?.payload.case).toBe('accountCreated');
      expect(sent.map((e) => Number(e.sequence))).toEqual(sent.map((_, i) => i + 1));
      const purchased: Record<string, number> = {};
      for (const e of sent)
        if (e.payload.case === 'seatsPurchased') purchased[e.payload.value.productId] = e.payload.value.purchasedAfter;
      expect(purchased).toEqual(demo.seats);
      const assigned = sent.filter((e) => e.payload.case === 'licenseAssigned');
      expect(assigned).toHaveLength(demo.users.reduce((n, u) => n + u.products.length, 0));
      // Every priced event says what billing charges per seat, at the offering's rates.
      for (const e of sent)
        if (e.payload.case === 'seatsPurchased' || e.payload.case === 'licenseAssigned')
          expect(e.payload.value.price?.unitPrice?.amountMinor).toBeGreaterThan(0n);
    }
  });

  it.skipIf(skip)('buys the Zendesk suite as the suite, and audits every step under who did it', async () => {
    const zendesk = await envelopes(db, 'acct_demo_zendesk');
    const purchases = zendesk.filter((e) => e.payload.case === 'seatsPurchased');
    // One purchase of the whole suite: one request, one event per product of the suite.
    expect(new Set(purchases.map((e) => e.occurTime?.seconds)).size).toBe(1);
    expect(purchases).toHaveLength(5);
    const audit = (await db.audit.list('acct_demo_zendesk', {}, { pageSize: 100 })).events;
    const actorsOf = (action: string) => [...new Set(audit.filter((a) => a.action === action).map((a) => a.actor))];
    expect(actorsOf('account.created')).toEqual(['svc_demo_seed']);
    expect(actorsOf('account.card_on_file_changed')).toEqual(['svc_demo_seed']);
    expect(actorsOf('seats.purchased')).toEqual(['usr_demo_zendesk_owner']);
    // The back office creates the owner with the account; the owner adds the others.
    expect(actorsOf('user.created').sort()).toEqual(['svc_demo_seed', 'usr_demo_zendesk_owner']);
    expect(audit.every((a) => a.causationId === 'demo-seed')).toBe(true);
  });
});
