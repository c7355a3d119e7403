/**
 * The cart the articles describe (review, then finalise), on libsql and PostgreSQL: CreateQuote
 * prices every line the purchase would change, with the prorated charge; CheckoutQuote charges
 * exactly the quote or refuses with nothing bought.
 */
import { create, fromBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BillingBasis,
  CheckoutQuoteRequestSchema,
  CreateQuoteRequestSchema,
  PurchaseSeatsRequestSchema,
  QuoteState,
  events,
} from '@acme/contracts';
import type { Database } from '@acme/licensing-data-access';
import { loadRuleSet } from '@acme/rules';
import { DRIVERS, callContext, caller, openSeededDatabase, refusal } from '../../test/handler-harness.js';
import { createQuoteHandlers } from './quote-handlers.js';
import { createSeatHandlers } from './seat-handlers.js';

const rules = await loadRuleSet();
// November 2026 has 30 days: a seat bought on the 21st is charged for the 21st..30th, 10 days.
const QUOTED_AT = new Date('2026-11-21T10:00:00Z');
const gotoAdmin = caller();
const zendeskOwner = caller({
  subject: 'usr_demo_zendesk_owner',
  accountId: 'acct_demo_zendesk',
  roles: ['owner', 'admin'],
});
const usd = (amountMinor: bigint) => ({ currencyCode: 'USD', amountMinor });

describe.each(DRIVERS)('quote handlers on %s', (driver, skip) => {
  let db: Database;
  let cleanup = async () => {};
  let clock = QUOTED_AT;
  let quotes: ReturnType<typeof createQuoteHandlers>;
  let seats: ReturnType<typeof createSeatHandlers>;
  const purchased = async (account: string) =>
    Object.fromEntries((await db.accounts.seatUsage(account)).map((u) => [u.productId, u.purchased]));
  const quote = (who: typeof gotoAdmin, items: { productId?: string; suiteId?: string; quantity: number }[]) =>
    quotes.createQuote(create(CreateQuoteRequestSchema, { items }), callContext(who));
  const checkout = (who: typeof gotoAdmin, quoteId: string, total: bigint) =>
    quotes.checkoutQuote(create(CheckoutQuoteRequestSchema, { quoteId, expectedTotal: usd(total) }), callContext(who));

  beforeAll(async () => {
    if (skip) return;
    ({ db, cleanup } = await openSeededDatabase(driver, 'quotes'));
    const deps = { db, rules: () => rules, now: () => clock };
    quotes = createQuoteHandlers(deps);
    seats = createSeatHandlers(deps);
  });
  afterAll(async () => {
    if (!skip) await cleanup();
  });

  it.skipIf(skip)('prices the rest of the month, then charges exactly the quote', async () => {
    clock = QUOTED_AT;
    const { quote: q } = await quote(gotoAdmin, [{ productId: 'goto_meeting', quantity: 3 }]);
    expect(q?.lines).toMatchObject([
      {
        productId: 'goto_meeting',
        purchasedBefore: 10,
        purchasedAfter: 13,
        unitPrice: usd(1400n),
        // 3 seats x 1400 x 10/30 days.
        proratedAmount: usd(1400n),
        recurringAmount: usd(4200n),
        billingBasis: BillingBasis.PURCHASED_SEATS,
      },
    ]);
    expect(q).toMatchObject({ total: usd(1400n), recurringTotal: usd(4200n), state: QuoteState.OPEN });
    expect((await purchased('acct_demo_goto')).goto_meeting).toBe(10);

    const done = await checkout(gotoAdmin, q!.id!, 1400n);
    expect(done).toMatchObject({
      charged: usd(1400n),
      quote: { state: QuoteState.CHECKED_OUT },
      changes: [{ productId: 'goto_meeting', purchasedBefore: 10, purchasedAfter: 13 }],
    });
    expect((await purchased('acct_demo_goto')).goto_meeting).toBe(13);
    const event = fromBinary(events.EventEnvelopeSchema, (await db.outbox.list('acct_demo_goto')).at(-1)!.payload);
    expect(event.payload.case === 'seatsPurchased' && event.payload.value.quantity).toBe(3);

    const again = await refusal(checkout(gotoAdmin, q!.id!, 1400n));
    expect(again.reason).toBe('CONFLICT');
    expect((await purchased('acct_demo_goto')).goto_meeting).toBe(13);
  });

  it.skipIf(skip)('a whole suite line by line; a part of it alone is refused by suite parity', async () => {
    clock = QUOTED_AT;
    const { quote: q } = await quote(zendeskOwner, [{ suiteId: 'zendesk_support_suite', quantity: 2 }]);
    const suite = (await db.catalog.listSuites()).find((x) => x.id === 'zendesk_support_suite')!;
    expect(q?.lines?.map((l) => l.productId).sort()).toEqual([...suite.productIds].sort());
    expect(new Set(q?.lines?.map((l) => l.suiteId))).toEqual(new Set(['zendesk_support_suite']));
    const sum = q!.lines!.reduce((s, l) => s + l.proratedAmount!.amountMinor!, 0n);
    expect(q?.total).toMatchObject(usd(sum));
    const alone = await refusal(quote(zendeskOwner, [{ productId: 'zendesk_support', quantity: 2 }]));
    expect(alone.ruleViolations.map((v) => v.type)).toEqual(['suite-parity.same-seat-count']);
    // A Zendesk admin is no owner: the same cart goes to sales as one order, completed for the whole suite.
    const { quote: sent } = await quote({ ...zendeskOwner, subject: 'usr_demo_zendesk_agent1', roles: ['admin'] }, [
      { suiteId: 'zendesk_support_suite', quantity: 2 },
    ]);
    expect(sent).toMatchObject({ state: QuoteState.SENT_TO_SALES, total: q?.total });
    expect(sent?.salesOrderIds).toHaveLength(1);
  });

  it.skipIf(skip)('a product billed per queue member is quoted at its rate and charges nothing now', async () => {
    clock = QUOTED_AT;
    const { quote: q } = await quote(gotoAdmin, [{ productId: 'goto_contact_center', quantity: 2 }]);
    expect(q?.lines?.[0]).toMatchObject({
      unitPrice: usd(7000n),
      proratedAmount: usd(0n),
      recurringAmount: usd(0n),
      billingBasis: BillingBasis.CONTACT_CENTER_MEMBER,
    });
    expect(q?.total).toMatchObject(usd(0n));
  });

  it.skipIf(skip)('refuses a total other than the quote, an expired quote, and seats changed since', async () => {
    clock = QUOTED_AT;
    const before = await purchased('acct_demo_goto');
    const { quote: q } = await quote(gotoAdmin, [{ productId: 'goto_connect_standard', quantity: 1 }]);
    // 2700 x 10/30 = 900.
    expect(q?.total).toMatchObject(usd(900n));
    const mismatch = await refusal(checkout(gotoAdmin, q!.id!, 2700n));
    expect(mismatch.reason).toBe('PRICE_MISMATCH');
    expect(mismatch.message).toContain('the total shown (USD 27.00)');

    clock = new Date(QUOTED_AT.getTime() + 30 * 60_000);
    expect((await refusal(checkout(gotoAdmin, q!.id!, 900n))).reason).toBe('QUOTE_EXPIRED');

    clock = QUOTED_AT;
    const { quote: fresh } = await quote(gotoAdmin, [{ productId: 'goto_connect_standard', quantity: 1 }]);
    await seats.purchaseSeats(
      create(PurchaseSeatsRequestSchema, {
        productId: 'goto_connect_standard',
        quantity: 1,
        expectedUnitPrice: usd(2700n),
      }),
      callContext(gotoAdmin),
    );
    const changed = await refusal(checkout(gotoAdmin, fresh!.id!, 900n));
    expect(changed.reason).toBe('CONFLICT');
    expect(changed.message).toContain(
      `goto_connect_standard: ${before.goto_connect_standard} seats when quoted, ${before.goto_connect_standard! + 1} now`,
    );
    expect((await purchased('acct_demo_goto')).goto_connect_standard).toBe(before.goto_connect_standard! + 1);
  });

  it.skipIf(skip)('refuses what the account is not offered and a product named twice', async () => {
    clock = QUOTED_AT;
    expect((await refusal(quote(gotoAdmin, [{ productId: 'zendesk_support', quantity: 1 }]))).reason).toBe(
      'NOT_OFFERED',
    );
    const twice = await refusal(
      quote(gotoAdmin, [
        { productId: 'goto_meeting', quantity: 1 },
        { productId: 'goto_meeting', quantity: 2 },
      ]),
    );
    expect(twice.fieldViolations[0]?.description).toContain('named more than once: goto_meeting');
  });

  it.skipIf(skip)('who may not buy but may ask sales gets the cart sent to sales; nobody else quotes', async () => {
    clock = QUOTED_AT;
    const pending = async () =>
      (await db.accounts.seatUsage('acct_demo_goto')).find((u) => u.productId === 'goto_meeting')!.pendingFromSales;
    const before = await pending();
    // A GoTo admin is no super admin: the purchase rule refuses, the request-to-sales rule allows.
    const { quote: q, decision } = await quote({ ...gotoAdmin, roles: ['admin'] }, [
      { productId: 'goto_meeting', quantity: 2 },
    ]);
    expect(q).toMatchObject({ state: QuoteState.SENT_TO_SALES, salesOrderIds: [expect.stringMatching(/^so_/)] });
    expect(q?.lines?.[0]).toMatchObject({
      productId: 'goto_meeting',
      proratedAmount: usd(933n) /* 2 x 1400 x 10/30 days, 933.33 */,
    });
    expect(decision?.warnings?.map((w) => w.ruleId)).toContain(
      'who-may-act.goto-purchase-requires-super-admin-and-card',
    );
    expect(await pending()).toBe(before + 2);
    const sent = await refusal(checkout(gotoAdmin, q!.id!, q!.total!.amountMinor!));
    expect(sent).toMatchObject({ reason: 'CONFLICT' });
    expect(sent.message).toContain('was sent to sales');

    const member = await refusal(
      quote({ ...gotoAdmin, subject: 'usr_demo_goto_agent', roles: ['member'] }, [
        { productId: 'goto_meeting', quantity: 1 },
      ]),
    );
    expect(member.ruleViolations.map((v) => v.type)).toContain('who-may-act.purchase-requires-admin');
  });
});
