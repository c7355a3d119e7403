import type { QuoteRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { AppError, formatMoneyMinor } from '@acme/util';
import { money } from '../domain/price.js';
import { mergeDecisions } from '../domain/decision-outcome.js';
import { quoteLines } from './create-quote.js';
import { applyPurchase, decidePurchase, priceSeats, type SeatChange, type SeatPricing } from './purchase-seats.js';
import type { UseCaseContext } from './use-case-context.js';

/**
 * CheckoutQuote: buys exactly what the quote priced and charges exactly its total. Refused, with
 * nothing bought, when the total shown is not the quote's (PRICE_MISMATCH), when it expired
 * (QUOTE_EXPIRED), or when the seats or rates it priced changed since (CONFLICT: quote again);
 * the purchase rules decide again, as for PurchaseSeats.
 */
export async function checkoutQuote(
  ctx: UseCaseContext,
  command: { quoteId: string; expectedTotal: { currencyCode: string; amountMinor: bigint } },
): Promise<{ quote: QuoteRecord; changes: SeatChange[]; charged: ReturnType<typeof money>; decision: Decision }> {
  const { tx, account, now } = ctx;
  // Load
  const quote = await tx.quote(account.id, command.quoteId);
  if (!quote) throw AppError.notFound('quote', command.quoteId);
  if (quote.state !== 'open')
    throw new AppError(
      'failed_precondition',
      quote.state === 'checked_out'
        ? `quote ${quote.id} was checked out already`
        : `quote ${quote.id} was sent to sales (orders ${quote.salesOrderIds.join(', ')}); sales completes it`,
      { reason: 'CONFLICT' },
    );
  if (now.getTime() >= quote.expiresAt.getTime())
    throw new AppError(
      'failed_precondition',
      `quote ${quote.id} expired at ${quote.expiresAt.toISOString()}: price the cart again`,
      { reason: 'QUOTE_EXPIRED', metadata: { quote_id: quote.id } },
    );
  const total = money(quote.totalMinor, quote.currency);
  const shown = command.expectedTotal;
  if (shown.currencyCode !== quote.currency || shown.amountMinor !== total.amountMinor) {
    const text = (m: { currencyCode: string; amountMinor: bigint }) =>
      formatMoneyMinor(Number(m.amountMinor), m.currencyCode);
    throw new AppError(
      'failed_precondition',
      `the total shown (${text(shown)}) is not quote ${quote.id}'s total (${text(total)}); nothing was bought`,
      { reason: 'PRICE_MISMATCH', metadata: { quote_id: quote.id, total: text(total) } },
    );
  }
  const priced: SeatPricing[] = [];
  for (const item of quote.items) priced.push(await priceSeats(ctx, item));
  requireUnchanged(quote, priced, now);

  // Decide
  const decisions: Decision[] = [];
  for (const pricing of priced) decisions.push(await decidePurchase(ctx, pricing));

  // Apply, audit, events (per purchase), then the quote
  const changes: SeatChange[] = [];
  for (const pricing of priced) changes.push(...(await applyPurchase(ctx, pricing)));
  if (!(await tx.checkOutQuote(quote.id, now)))
    throw new AppError('aborted', `quote ${quote.id} was checked out concurrently`, { reason: 'CONFLICT' });
  return {
    quote: { ...quote, state: 'checked_out', checkedOutAt: now },
    changes,
    charged: total,
    decision: mergeDecisions(decisions),
  };
}

/** The seats and rates the quote priced are still the account's; otherwise CONFLICT naming each change. */
function requireUnchanged(quote: QuoteRecord, priced: SeatPricing[], now: Date): void {
  const current = new Map(priced.flatMap((p) => quoteLines(p, now)).map((l) => [l.productId, l]));
  const changed = quote.lines.flatMap((line) => {
    const now = current.get(line.productId)!;
    const what: string[] = [];
    if (now.purchasedBefore !== line.purchasedBefore)
      what.push(`${line.productId}: ${line.purchasedBefore} seats when quoted, ${now.purchasedBefore} now`);
    if (now.unitPriceMinor !== line.unitPriceMinor || now.currency !== line.currency)
      what.push(`${line.productId}: the rate changed`);
    return what;
  });
  if (changed.length > 0)
    throw new AppError('aborted', `seats changed since the quote (${changed.join('; ')}): quote again`, {
      reason: 'CONFLICT',
      metadata: { quote_id: quote.id },
    });
}
