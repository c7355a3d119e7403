import type { SalesOrderRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { AppError } from '@acme/util';
import { auditEntry } from '../domain/audit.js';
import { actorFacts, seatFacts } from '../domain/facts.js';
import { offeredRates } from '../domain/offering.js';
import { decide, originOfCall, record, type UseCaseContext } from './use-case-context.js';

/** RequestSeatsFromSales: a pending sales order for seats, completed later by the back office (up to 48 hours). */
export async function requestSeatsFromSales(
  ctx: UseCaseContext,
  command: { productId: string; quantity: number; note: string },
): Promise<{ order: SalesOrderRecord; decision: Decision }> {
  const { tx, account, now } = ctx;
  // Load
  const [product] = await tx.products([command.productId]);
  if (!product)
    throw AppError.invalidArgument([{ field: 'product_id', description: `unknown product ${command.productId}` }]);
  await offeredRates(tx, account, [product]);
  const [subscription] = await tx.subscriptions(account.id, [product.id]);

  // Decide: nothing is taken until the order is completed, so seats available stay as they are.
  const decision = await decide(ctx, 'request_seats_from_sales', {
    ...actorFacts(ctx.principal, account),
    request: { productId: product.id, quantity: command.quantity },
    products: [
      {
        ...seatFacts(product.id, product.suiteId, subscription, command.quantity),
        availableAfter: (subscription?.purchased ?? 0) - (subscription?.assigned ?? 0),
      },
    ],
  });

  // Apply, audit, events
  const order = tx.insertSalesOrder({
    accountId: account.id,
    productId: product.id,
    quantity: command.quantity,
    note: command.note,
    requestedBy: ctx.principal.subject,
    createdAt: now,
  });
  await record(
    ctx,
    [
      auditEntry(originOfCall(ctx), 'sales_order.requested', { type: 'sales_order', id: order.id }, null, {
        productId: order.productId,
        quantity: order.quantity,
      }),
    ],
    [
      {
        case: 'seatsRequestedFromSales',
        value: { orderId: order.id, productId: order.productId, quantity: order.quantity },
      },
    ],
  );
  return { order, decision };
}
