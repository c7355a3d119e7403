import { newId, type QuoteItemRecord, type QuoteLineRecord, type QuoteRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { AppError } from '@acme/util';
import { mergeDecisions } from '../domain/decision-outcome.js';
import { proratedMinor, restOfPeriod } from '../domain/proration.js';
import { decidePurchase, priceSeats, requireOneCurrency, type SeatPricing } from './purchase-seats.js';
import { requestSeatsFromSales } from './request-seats-from-sales.js';
import type { UseCaseContext } from './use-case-context.js';

/** How long a quote can be checked out, at most (and never past the UTC midnight that changes its prorations). */
export const QUOTE_LIFETIME_MS = 30 * 60_000;

/**
 * CreateQuote: prices a cart the way PurchaseSeats would buy it (the account's rates, its
 * offering, each product's billing basis), line by line for a suite, with what checkout charges
 * (the rest of the billing period, prorated by day as the invoice will) and the purchase
 * decision (who may buy, suite parity). Keeps the quote; changes no seats. A caller who may not buy
 * but may request seats from sales (a sales-managed or legacy account, a GoTo admin without super
 * admin or card: the frame redirected the call) gets the same lines, and the cart becomes pending
 * sales orders, one per item (sales completes a parity suite's order for every product of it).
 */
export async function createQuote(
  ctx: UseCaseContext,
  items: QuoteItemRecord[],
): Promise<{ quote: QuoteRecord; decision: Decision }> {
  const { now } = ctx;
  // Load and price
  const priced: SeatPricing[] = [];
  for (const item of items) priced.push(await priceSeats(ctx, item));
  const lines = priced.flatMap((pricing) => quoteLines(pricing, now));
  const twice = lines.map((l) => l.productId).filter((id, i, all) => all.indexOf(id) !== i);
  if (twice.length > 0)
    throw AppError.invalidArgument([
      {
        field: 'items',
        description: `each product at most once; named more than once: ${[...new Set(twice)].join(', ')}`,
      },
    ]);
  requireOneCurrency(lines.map((l) => l.currency));

  // Decide, and for a caller who buys through sales, send the cart there
  const decisions: Decision[] = [];
  const salesOrderIds: string[] = [];
  if (ctx.redirected) {
    for (const pricing of priced) {
      // Sales completes an order for a parity suite's product for the whole suite: one order stands
      // for it. Any other item needs an order per product it names.
      const { products, suite } = pricing.target;
      const ordered = pricing.command.suiteId && suite?.parityRequired ? [products[0]!] : products;
      for (const product of ordered) {
        const note = `from quote of ${pricing.command.suiteId || product.id}`;
        const { order, decision } = await requestSeatsFromSales(ctx, {
          productId: product.id,
          quantity: pricing.command.quantity,
          note,
        });
        salesOrderIds.push(order.id);
        decisions.push(decision);
      }
    }
    // Why it went to sales: the purchase rules that refused, as warnings.
    decisions.push({ ...decisions[0]!, warnings: ctx.redirected.because.violations, effects: [], trace: [] });
  } else for (const pricing of priced) decisions.push(await decidePurchase(ctx, pricing));

  // Keep
  const quote: QuoteRecord = {
    id: newId('qt'),
    accountId: ctx.account.id,
    items,
    lines,
    totalMinor: lines.reduce((sum, l) => sum + l.proratedMinor, 0),
    currency: lines[0]!.currency,
    state: ctx.redirected ? 'sent_to_sales' : 'open',
    salesOrderIds,
    createdBy: ctx.principal.subject,
    createdAt: now,
    expiresAt: new Date(Math.min(now.getTime() + QUOTE_LIFETIME_MS, nextMidnight(now).getTime())),
    checkedOutAt: null,
  };
  ctx.tx.insertQuote(quote);
  return { quote, decision: mergeDecisions(decisions) };
}

/** The quote's lines of one item: every product it changes, priced now. */
export function quoteLines(pricing: SeatPricing, now: Date): QuoteLineRecord[] {
  return pricing.target.products.map((p) => {
    const rate = pricing.rates.get(p.id)!;
    const fact = pricing.facts.find((f) => f.id === p.id)!;
    const perSeat = p.billingBasis === 'purchased_seats';
    return {
      productId: p.id,
      suiteId: pricing.command.suiteId,
      quantity: pricing.command.quantity,
      purchasedBefore: fact.purchased,
      purchasedAfter: fact.purchasedAfter,
      unitPriceMinor: rate.unitPriceMinor,
      currency: rate.currency,
      billingPeriod: p.billingPeriod,
      billingBasis: p.billingBasis,
      proratedMinor: perSeat ? proratedMinor(rate.unitPriceMinor, pricing.command.quantity, now, p.billingPeriod) : 0,
      periodEnd: restOfPeriod(now, p.billingPeriod).periodEnd,
    };
  });
}

function nextMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}
