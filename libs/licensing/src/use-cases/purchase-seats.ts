import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { BillingBasis, CatalogProduct, SubscriptionRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { AppError, formatMoneyMinor } from '@acme/util';
import { auditEntry } from '../domain/audit.js';
import { actorFacts, seatCountFacts } from '../domain/facts.js';
import { offeredRates, type Rate } from '../domain/offering.js';
import { chargeForAddedSeats, money, priceOf } from '../domain/price.js';
import {
  seatTarget,
  subscriptionsOfSuite,
  suiteFacts,
  type SeatTarget,
  type SeatTargetName,
} from '../domain/suites.js';
import { decide, originOfCall, record, type UseCaseContext } from './use-case-context.js';

export interface SeatChange {
  productId: string;
  purchasedBefore: number;
  purchasedAfter: number;
}

/** One product's part of a charge: what the buyer pays now for the seats added to it, and on what basis. */
export interface ChargeLine {
  productId: string;
  quantity: number;
  unitPrice: ReturnType<typeof money>;
  amount: ReturnType<typeof money>;
  billingBasis: BillingBasis;
}

/** What adding seats to a product or a suite would change, at the account's rates. Nothing written. */
export interface SeatPricing {
  command: SeatTargetName & { quantity: number };
  target: SeatTarget;
  /** The account's rate per product: its subscription's, or its offering's for a product it has none of. */
  rates: Map<string, Rate>;
  subscriptions: Map<string, SubscriptionRecord>;
  lines: ChargeLine[];
  /** One seat of what is bought (for a suite, the sum of its products' rates). */
  perSeat: ReturnType<typeof money>;
  facts: ReturnType<typeof seatCountFacts>[];
}

/**
 * The lines of adding `quantity` seats to the product named, or to every product of the suite
 * named, at the account's rates (a product outside the account's offering is refused,
 * NOT_OFFERED). Reads only: a quote and a purchase price the same way.
 */
export async function priceSeats(
  ctx: UseCaseContext,
  command: SeatTargetName & { quantity: number },
): Promise<SeatPricing> {
  const { tx, account } = ctx;
  const target = await seatTarget(tx, command);
  const offered = await offeredRates(tx, account, target.products);
  const subscriptions = await subscriptionsOfSuite(tx, account.id, target);
  // An existing subscription keeps the rate it was bought at; a new one takes the offering's.
  const rates = new Map(target.products.map((p) => [p.id, subscriptions.get(p.id) ?? offered.get(p.id)!]));
  const lines: ChargeLine[] = target.products.map((p) => {
    const { unitPriceMinor, currency } = rates.get(p.id)!;
    return {
      productId: p.id,
      quantity: command.quantity,
      unitPrice: money(unitPriceMinor, currency),
      amount: money(chargeForAddedSeats(p, unitPriceMinor, command.quantity), currency),
      billingBasis: p.billingBasis,
    };
  });
  const facts = target.products.map((p) => {
    const s = subscriptions.get(p.id) ?? { purchased: 0, assigned: 0 };
    return seatCountFacts(p.id, p.suiteId, s, s.purchased + command.quantity);
  });
  return { command, target, rates, subscriptions, lines, perSeat: oneSeatPrice(lines), facts };
}

/** The purchase_seats rules (who may buy was decided before; suite parity, limits) on what is priced. */
export function decidePurchase(ctx: UseCaseContext, pricing: SeatPricing): Promise<Decision> {
  const { command, target, subscriptions, facts } = pricing;
  return decide(ctx, 'purchase_seats', {
    ...actorFacts(ctx.principal, ctx.account),
    request: { productId: command.productId, suiteId: command.suiteId, quantity: command.quantity },
    products: facts,
    suite: suiteFacts(target, subscriptions, (id) => facts.find((f) => f.id === id)!.purchasedAfter),
  });
}

/** Adds the priced seats: subscriptions opened at their rate, counts set, audit entries and events. */
export async function applyPurchase(ctx: UseCaseContext, pricing: SeatPricing): Promise<SeatChange[]> {
  const { tx, account, now } = ctx;
  const { target, rates, facts, command } = pricing;
  const product = (id: string): CatalogProduct => target.products.find((p) => p.id === id)!;
  for (const f of facts) {
    const rate = rates.get(f.id)!;
    await tx.ensureSubscription(account.id, f.id, rate.unitPriceMinor, rate.currency);
    await tx.setPurchasedSeats(account.id, f.id, f.purchasedAfter);
  }
  const origin = originOfCall(ctx);
  await record(
    ctx,
    facts.map((f) =>
      auditEntry(
        origin,
        'seats.purchased',
        { type: 'subscription', id: f.id },
        { purchased: f.purchased },
        { purchased: f.purchasedAfter },
      ),
    ),
    facts.map((f) => ({
      case: 'seatsPurchased',
      value: {
        productId: f.id,
        quantity: command.quantity,
        purchasedAfter: f.purchasedAfter,
        price: priceOf(product(f.id), rates.get(f.id)),
        effectiveTime: timestampFromDate(now),
      },
    })),
  );
  return facts.map((f) => ({ productId: f.id, purchasedBefore: f.purchased, purchasedAfter: f.purchasedAfter }));
}

/**
 * PurchaseSeats: adds seats of the product named, or of every product of the suite named, at the
 * account's rates (see priceSeats). The price of one seat the buyer was shown must be what one seat
 * costs (for a suite, the sum of its products' rates): a different figure is refused
 * (PRICE_MISMATCH), never charged silently. What is charged now follows each product's billing
 * basis: a product billed per contact-center queue member charges nothing for seats (its billing
 * starts with a queue). A product of a suite whose products keep one seat count, named alone, is
 * refused by the suite-parity rule.
 */
export async function purchaseSeats(
  ctx: UseCaseContext,
  command: SeatTargetName & {
    quantity: number;
    expectedUnitPrice: { currencyCode: string; amountMinor: bigint };
  },
): Promise<{ changes: SeatChange[]; lines: ChargeLine[]; charged: ReturnType<typeof money>; decision: Decision }> {
  const pricing = await priceSeats(ctx, command);
  requireShownPrice(command, pricing.perSeat, pricing.lines);
  const decision = await decidePurchase(ctx, pricing);
  const changes = await applyPurchase(ctx, pricing);
  return { changes, lines: pricing.lines, charged: sumOf(pricing.lines.map((l) => l.amount)), decision };
}

/** The sum of amounts in one currency (the caller has checked there is one). */
export function sumOf(amounts: ReturnType<typeof money>[]): ReturnType<typeof money> {
  return money(
    amounts.reduce((sum, a) => sum + Number(a.amountMinor), 0),
    amounts[0]?.currencyCode ?? '',
  );
}

/** One seat of what is bought: the sum of the lines' unit prices, which share one currency. */
function oneSeatPrice(lines: ChargeLine[]): ReturnType<typeof money> {
  requireOneCurrency(lines.map((l) => l.unitPrice.currencyCode));
  return sumOf(lines.map((l) => l.unitPrice));
}

/** Amounts of one charge are never added across currencies: MIXED_CURRENCIES. */
export function requireOneCurrency(currencies: string[]): void {
  if (new Set(currencies).size > 1)
    throw new AppError('failed_precondition', "this account's rates for these products are in different currencies", {
      reason: 'MIXED_CURRENCIES',
    });
}

/** The price shown must be the price of one seat; the refusal says both, as money, and each line's rate. */
function requireShownPrice(
  command: SeatTargetName & { expectedUnitPrice: { currencyCode: string; amountMinor: bigint } },
  perSeat: ReturnType<typeof money>,
  lines: ChargeLine[],
): void {
  const shown = command.expectedUnitPrice;
  if (shown.currencyCode === perSeat.currencyCode && shown.amountMinor === perSeat.amountMinor) return;
  const text = (m: ReturnType<typeof money>) => formatMoneyMinor(Number(m.amountMinor), m.currencyCode);
  const what = command.suiteId ? `suite ${command.suiteId}` : `product ${command.productId}`;
  const parts = lines.length > 1 ? ` (${lines.map((l) => `${l.productId} ${text(l.unitPrice)}`).join(', ')})` : '';
  throw new AppError(
    'failed_precondition',
    `the price shown (${text(shown)} per seat) differs from this account's rate for ${what}: ` +
      `${text(perSeat)} per seat${parts}; contact support before buying`,
    {
      reason: 'PRICE_MISMATCH',
      metadata: {
        ...(command.suiteId ? { suite_id: command.suiteId } : { product_id: command.productId }),
        expected_unit_price: text(shown),
        unit_price: text(perSeat),
      },
    },
  );
}
