import type { SalesOrderRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { AppError } from '@acme/util';
import { auditEntry } from '../domain/audit.js';
import { actorFacts } from '../domain/facts.js';
import { decide, originOfCall, record, type UseCaseContext } from './use-case-context.js';

/**
 * CancelSalesOrder: a pending request to sales is withdrawn; its seats never arrive and it no
 * longer counts as pending in seat usage. Who may is the rule who-may-act.cancel-sales-order (the
 * requesters, or the back office that completes orders). A completed or cancelled order stays so.
 */
export async function cancelSalesOrder(
  ctx: UseCaseContext,
  command: { orderId: string },
): Promise<{ order: SalesOrderRecord; decision: Decision }> {
  const { tx, account, now, principal } = ctx;
  const decision = await decide(ctx, 'cancel_sales_order', actorFacts(principal, account));
  // Load
  const order = await tx.salesOrder(account.id, command.orderId);
  if (!order) throw AppError.notFound('sales_order', command.orderId);
  if (order.state !== 'pending' || !(await tx.cancelSalesOrder(order.id, principal.subject, now)))
    throw new AppError('failed_precondition', `sales order ${order.id} is ${order.state}, not pending`, {
      reason: 'CONFLICT',
    });

  // Audit and events
  await record(
    ctx,
    [
      auditEntry(
        originOfCall(ctx),
        'sales_order.cancelled',
        { type: 'sales_order', id: order.id },
        { state: 'pending' },
        { state: 'cancelled' },
      ),
    ],
    [
      {
        case: 'salesOrderCancelled',
        value: {
          orderId: order.id,
          productId: order.productId,
          quantity: order.quantity,
          cancelledBy: principal.subject,
        },
      },
    ],
  );
  return { order: { ...order, state: 'cancelled', cancelledAt: now, cancelledBy: principal.subject }, decision };
}
