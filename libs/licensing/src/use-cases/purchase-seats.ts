import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Decision } from '@acme/rules';
import type { BillingBasis } from '@acme/licensing-data-access';
import { AppError, formatMoneyMinor } from '@acme/util';
import { auditEntry } from '../domain/audit.js';
import { actorFacts, seatCountFacts } from '../domain/facts.js';
import { offeredRates } from '../domain/offering.js';
import { chargeForAddedSeats, money, priceOf } from '../domain/price.js';
import { seatTarget, subscriptionsOfSuite, suiteFacts, type SeatTargetName } from '../domain/suites.js';
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

/**
 * PurchaseSeats: adds seats of the product named, or of every product of the suite named, at the
 * account's rates (a product outside the account's offering is refused, NOT_OFFERED). The price of
 * one seat the buyer was shown must be what one seat costs (for a suite, the sum of its products'
 * rates): a different figure is refused (PRICE_MISMATCH), never charged silently. What is charged
 * now follows each product's billing basis: a product billed per contact-center queue member charges
 * nothing for seats (its billing starts with a queue). A product of a suite whose products keep one
 * seat count, named alone, is refused by the suite-parity rule.
 */
export async function purchaseSeats(
  ctx: UseCaseContext,
  command: SeatTargetName & {
    quantity: number;
    expectedUnitPrice: { currencyCode: string; amountMinor: bigint };
  },
): Promise<{ changes: SeatChange[]; lines: ChargeLine[]; charged: ReturnType<typeof money>; decision: Decision }> {
  const { tx, account, now } = ctx;
  // Load
  const target = await seatTarget(tx, command);
  const { products } = target;
  const rates = await offeredRates(tx, account, products);
  for (const p of products) {
    const rate = rates.get(p.id)!;
    await tx.ensureSubscription(account.id, p.id, rate.unitPriceMinor, rate.currency);
  }
  const subscriptions = await subscriptionsOfSuite(tx, account.id, target);
  const lines: ChargeLine[] = products.map((p) => {
    const { unitPriceMinor, currency } = subscriptions.get(p.id)!;
    return {
      productId: p.id,
      quantity: command.quantity,
      unitPrice: money(unitPriceMinor, currency),
      amount: money(chargeForAddedSeats(p, unitPriceMinor, command.quantity), currency),
      billingBasis: p.billingBasis,
    };
  });
  const perSeat = oneSeatPrice(lines);
  requireShownPrice(command, perSeat, lines);
  const facts = products.map((p) => {
    const s = subscriptions.get(p.id)!;
    return seatCountFacts(p.id, p.suiteId, s, s.purchased + command.quantity);
  });

  // Decide
  const decision = await decide(ctx, 'purchase_seats', {
    ...actorFacts(ctx.principal, account),
    request: { productId: command.productId, suiteId: command.suiteId, quantity: command.quantity },
    products: facts,
    suite: suiteFacts(target, subscriptions, (id) => facts.find((f) => f.id === id)!.purchasedAfter),
  });

  // Apply, audit, events
  for (const f of facts) await tx.setPurchasedSeats(account.id, f.id, f.purchasedAfter);
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
    products.map((p) => {
      const f = facts.find((x) => x.id === p.id)!;
      return {
        case: 'seatsPurchased',
        value: {
          productId: p.id,
          quantity: command.quantity,
          purchasedAfter: f.purchasedAfter,
          price: priceOf(p, subscriptions.get(p.id)),
          effectiveTime: timestampFromDate(now),
        },
      };
    }),
  );
  return {
    changes: facts.map((f) => ({ productId: f.id, purchasedBefore: f.purchased, purchasedAfter: f.purchasedAfter })),
    lines,
    charged: money(
      lines.reduce((sum, l) => sum + Number(l.amount.amountMinor), 0),
      perSeat.currencyCode,
    ),
    decision,
  };
}

/** One seat of what is bought: the sum of the lines' unit prices, which share one currency. */
function oneSeatPrice(lines: ChargeLine[]): ReturnType<typeof money> {
  const currency = lines[0]!.unitPrice.currencyCode;
  if (lines.some((l) => l.unitPrice.currencyCode !== currency))
    throw new AppError('failed_precondition', "this account's rates for these products are in different currencies", {
      reason: 'MIXED_CURRENCIES',
    });
  return money(
    lines.reduce((sum, l) => sum + Number(l.unitPrice.amountMinor), 0),
    currency,
  );
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
