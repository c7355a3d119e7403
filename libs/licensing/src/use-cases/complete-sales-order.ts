import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { SalesOrderRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { AppError } from '@acme/util';
import { actorFacts } from '../domain/facts.js';
import { auditEntry } from '../domain/audit.js';
import type { EventPayload } from '../domain/events.js';
import { priceOf } from '../domain/price.js';
import { offeredRates } from '../domain/offering.js';
import { seatGroup } from '../domain/suites.js';
import { decide, originOfCall, record, type UseCaseContext } from './use-case-context.js';
import type { SeatChange } from './purchase-seats.js';

/**
 * CompleteSalesOrder: the back office turns a pending order into seats. Suite products keep the
 * same seat count, so an order for a suite product adds to the whole suite.
 */
export async function completeSalesOrder(
  ctx: UseCaseContext,
  command: { orderId: string },
): Promise<{ order: SalesOrderRecord; changes: SeatChange[]; decision: Decision }> {
  const { tx, account, now, principal } = ctx;
  // Decide: who may complete orders is all there is to it (rule who-may-act.complete-sales-order-needs-scope).
  const decision = await decide(ctx, 'complete_sales_order', actorFacts(principal, account));
  // Load
  const order = await tx.salesOrder(account.id, command.orderId);
  if (!order) throw AppError.notFound('sales_order', command.orderId);
  if (order.state !== 'pending' || !(await tx.completeSalesOrder(order.id, principal.subject, now))) {
    throw new AppError('failed_precondition', `sales order ${order.id} is ${order.state}, not pending`, {
      reason: 'CONFLICT',
    });
  }
  const group = await seatGroup(tx, order.productId);

  // Apply
  // At the account's rates; an order for what the account is no longer offered is refused.
  const rates = await offeredRates(tx, account, group);
  for (const p of group) {
    const rate = rates.get(p.id)!;
    await tx.ensureSubscription(account.id, p.id, rate.unitPriceMinor, rate.currency);
  }
  const subscriptions = await tx.subscriptions(
    account.id,
    group.map((p) => p.id),
  );
  const changes: SeatChange[] = [];
  const events: EventPayload[] = [];
  for (const s of subscriptions) {
    const after = s.purchased + order.quantity;
    await tx.setPurchasedSeats(account.id, s.productId, after);
    changes.push({ productId: s.productId, purchasedBefore: s.purchased, purchasedAfter: after });
    const product = group.find((g) => g.id === s.productId)!;
    events.push({
      case: 'salesOrderCompleted',
      value: {
        orderId: order.id,
        productId: s.productId,
        quantity: order.quantity,
        purchasedAfter: after,
        completedBy: principal.subject,
        effectiveTime: timestampFromDate(now),
        price: priceOf(product, s),
      },
    });
  }

  // Audit and events
  await record(
    ctx,
    [
      auditEntry(
        originOfCall(ctx),
        'sales_order.completed',
        { type: 'sales_order', id: order.id },
        { state: 'pending' },
        { state: 'completed', changes },
      ),
    ],
    events,
  );
  return {
    order: { ...order, state: 'completed', completedAt: now, completedBy: principal.subject },
    changes,
    decision,
  };
}
