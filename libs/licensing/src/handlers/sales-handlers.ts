import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  CompleteSalesOrderRequestSchema,
  CompleteSalesOrderResponseSchema,
  RequestSeatsFromSalesRequestSchema,
  RequestSeatsFromSalesResponseSchema,
  SalesOrderSchema,
  SalesOrderState,
  type LicensingService,
  type SalesOrder,
} from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { ServiceHandlers } from '@acme/grpc';
import { FIELD_LIMITS, type SalesOrderRecord } from '@acme/licensing-data-access';
import { AppError } from '@acme/util';
import { actorFacts } from '../mutations/actor-facts.js';
import { decisionError, decisionSummary } from '../mutations/decision-outcome.js';
import { seatFacts } from '../mutations/grant-products.js';
import { outboxEvents, type PayloadInit } from '../mutations/outbox-events.js';
import { runMutation, type MutationDeps } from '../mutations/run-mutation.js';
import { RequestProblems } from './validation.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;

/** Back-office scope that may complete sales orders. */
export const COMPLETE_SALES_ORDERS_SCOPE = 'sales_orders:complete';

const toSalesOrder = (o: SalesOrderRecord): SalesOrder =>
  create(SalesOrderSchema, {
    id: o.id, accountId: o.accountId, productId: o.productId, quantity: o.quantity,
    state: o.state === 'pending' ? SalesOrderState.PENDING : SalesOrderState.COMPLETED,
    createTime: timestampFromDate(o.createdAt),
    ...(o.completedAt ? { completeTime: timestampFromDate(o.completedAt) } : {}),
  });

/** Seats through sales: a pending order (up to 48 hours), completed later by a back-office identity. */
export function createSalesHandlers(deps: MutationDeps): Pick<Handlers, 'requestSeatsFromSales' | 'completeSalesOrder'> {
  return {
    async requestSeatsFromSales(request, { principal, requestId }) {
      const problems = new RequestProblems().slug('product_id', request.productId);
      if (request.quantity < 1 || request.quantity > 10_000) problems.add('quantity', 'must be from 1 to 10000');
      if (request.note.length > FIELD_LIMITS.note) problems.add('note', `at most ${FIELD_LIMITS.note} characters`);
      const spec = { method: 'RequestSeatsFromSales', requestSchema: RequestSeatsFromSalesRequestSchema, responseSchema: RequestSeatsFromSalesResponseSchema, request, principal, problems, authorizeAt: 'request_seats_from_sales' as const };
      return runMutation(deps, spec, async (tx, accountId, now, account) => {
        const [product] = await tx.products([request.productId]);
        if (!product) throw AppError.invalidArgument([{ field: 'product_id', description: `unknown product ${request.productId}` }]);
        const [subscription] = await tx.subscriptions(accountId, [product.id]);
        const decision = await deps.rules().decide('request_seats_from_sales', {
          ...actorFacts(principal, account),
          request: { productId: product.id, quantity: request.quantity },
          products: [{ ...seatFacts(product.id, product.suiteId, subscription, request.quantity), availableAfter: (subscription?.purchased ?? 0) - (subscription?.assigned ?? 0) }],
        }, { authorized: true });
        if (!decision.allowed) throw decisionError(decision, accountId);
        const order = tx.insertSalesOrder({ accountId, productId: product.id, quantity: request.quantity, note: request.note, requestedBy: principal.subject, createdAt: now });
        tx.appendAudit([{ accountId, actor: principal.subject, action: 'sales_order.requested', resourceType: 'sales_order', resourceId: order.id, before: null, after: { productId: order.productId, quantity: order.quantity }, causationId: requestId, occurredAt: now }]);
        await tx.appendEvents(accountId, outboxEvents({ accountId, principal, causationId: requestId, occurredAt: now }, [
          { case: 'seatsRequestedFromSales', value: { orderId: order.id, productId: order.productId, quantity: order.quantity } },
        ]));
        return create(RequestSeatsFromSalesResponseSchema, { order: toSalesOrder(order), decision: decisionSummary(decision, request.validateOnly) });
      });
    },

    async completeSalesOrder(request, { principal, requestId }) {
      const problems = new RequestProblems().id('order_id', request.orderId, 'so');
      if (principal.kind !== 'service' || !principal.scopes.includes(COMPLETE_SALES_ORDERS_SCOPE)) {
        throw new AppError('permission_denied', `completing sales orders needs a service identity with the ${COMPLETE_SALES_ORDERS_SCOPE} scope`, { reason: 'PERMISSION_DENIED' });
      }
      // The scope was checked above, before the frame: no rule decides this yet.
      const spec = { method: 'CompleteSalesOrder', requestSchema: CompleteSalesOrderRequestSchema, responseSchema: CompleteSalesOrderResponseSchema, request, principal, problems, authorizeAt: null };
      return runMutation(deps, spec, async (tx, accountId, now) => {
        const order = await tx.salesOrder(accountId, request.orderId);
        if (!order) throw AppError.notFound('sales_order', request.orderId);
        if (!(await tx.completeSalesOrder(order.id, principal.subject, now))) {
          throw new AppError('failed_precondition', `sales order ${order.id} is already completed`, { reason: 'CONFLICT' });
        }
        // Suite products keep the same seat count, so a suite product's order adds to the whole suite.
        const [product] = await tx.products([order.productId]);
        const group = product!.suiteId ? await tx.suiteProducts(product!.suiteId) : [product!];
        for (const p of group) await tx.ensureSubscription(accountId, p.id, p.unitPriceMinor, p.currency);
        const subscriptions = await tx.subscriptions(accountId, group.map((p) => p.id));
        const payloads: PayloadInit[] = [];
        const changes = [];
        for (const s of subscriptions) {
          const after = s.purchased + order.quantity;
          await tx.setPurchasedSeats(accountId, s.productId, after);
          changes.push({ productId: s.productId, purchasedBefore: s.purchased, purchasedAfter: after });
          const p = group.find((g) => g.id === s.productId)!;
          payloads.push({
            case: 'salesOrderCompleted',
            value: { orderId: order.id, productId: s.productId, quantity: order.quantity, purchasedAfter: after, completedBy: principal.subject, effectiveTime: timestampFromDate(now), price: { unitPrice: { currencyCode: s.currency, amountMinor: BigInt(s.unitPriceMinor) }, billingPeriod: p.billingPeriod } },
          });
        }
        tx.appendAudit([{ accountId, actor: principal.subject, action: 'sales_order.completed', resourceType: 'sales_order', resourceId: order.id, before: { state: 'pending' }, after: { state: 'completed', changes }, causationId: requestId, occurredAt: now }]);
        await tx.appendEvents(accountId, outboxEvents({ accountId, principal, causationId: requestId, occurredAt: now }, payloads));
        return create(CompleteSalesOrderResponseSchema, {
          order: toSalesOrder({ ...order, state: 'completed', completedAt: now, completedBy: principal.subject }),
          changes,
          decision: { ruleSetVersion: deps.rules().version, validateOnly: request.validateOnly },
        });
      });
    },
  };
}
