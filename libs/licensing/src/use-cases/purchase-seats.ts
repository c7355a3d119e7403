import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Decision } from '@acme/rules';
import { AppError } from '@acme/util';
import { auditEntry } from '../domain/audit.js';
import { actorFacts, seatCountFacts } from '../domain/facts.js';
import { money, priceOf } from '../domain/price.js';
import { seatGroup } from '../domain/suites.js';
import { decide, originOfCall, record, type UseCaseContext } from './use-case-context.js';

export interface SeatChange {
  productId: string;
  purchasedBefore: number;
  purchasedAfter: number;
}

/**
 * PurchaseSeats: adds seats of a product, and of every other product of its suite (suite parity),
 * at the account's rate. The price the buyer was shown must be that rate: a different figure is
 * refused (PRICE_MISMATCH), never charged silently.
 */
export async function purchaseSeats(
  ctx: UseCaseContext,
  command: { productId: string; quantity: number; expectedUnitPrice: { currencyCode: string; amountMinor: bigint } },
): Promise<{ changes: SeatChange[]; charged: ReturnType<typeof money>; decision: Decision }> {
  const { tx, account, now } = ctx;
  // Load
  const { product, group, parityRequired } = await seatGroup(tx, command.productId);
  for (const p of group) await tx.ensureSubscription(account.id, p.id, p.unitPriceMinor, p.currency);
  const subscriptions = new Map(
    (
      await tx.subscriptions(
        account.id,
        group.map((p) => p.id),
      )
    ).map((s) => [s.productId, s]),
  );
  const rate = subscriptions.get(product.id)!;
  const shown = command.expectedUnitPrice;
  if (shown.currencyCode !== rate.currency || shown.amountMinor !== BigInt(rate.unitPriceMinor)) {
    throw new AppError(
      'failed_precondition',
      `the price shown (${shown.amountMinor} ${shown.currencyCode}) differs from this account's rate; contact support before buying`,
      {
        reason: 'PRICE_MISMATCH',
        metadata: { product_id: product.id },
      },
    );
  }
  const facts = group.map((p) =>
    seatCountFacts(p.id, p.suiteId, subscriptions.get(p.id)!, subscriptions.get(p.id)!.purchased + command.quantity),
  );

  // Decide
  const decision = await decide(ctx, 'purchase_seats', {
    ...actorFacts(ctx.principal, account),
    request: { productId: product.id, quantity: command.quantity },
    products: facts,
    suite: { id: product.suiteId, parityRequired, seatCountsAfter: facts.map((f) => f.purchasedAfter) },
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
    group.map((p) => {
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
  const charged = facts.reduce((sum, f) => sum + subscriptions.get(f.id)!.unitPriceMinor * command.quantity, 0);
  return {
    changes: facts.map((f) => ({ productId: f.id, purchasedBefore: f.purchased, purchasedAfter: f.purchasedAfter })),
    charged: money(charged, rate.currency),
    decision,
  };
}
