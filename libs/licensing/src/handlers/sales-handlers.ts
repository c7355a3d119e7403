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
import { completeSalesOrder } from '../use-cases/complete-sales-order.js';
import { requestSeatsFromSales } from '../use-cases/request-seats-from-sales.js';
import { createdId, decisionSummary } from './mappers.js';
import { runMutation, type MutationDeps } from './mutation-frame.js';
import { RequestProblems } from './validation.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;

const toSalesOrder = (o: SalesOrderRecord): SalesOrder =>
  create(SalesOrderSchema, {
    id: o.id,
    accountId: o.accountId,
    productId: o.productId,
    quantity: o.quantity,
    state: o.state === 'pending' ? SalesOrderState.PENDING : SalesOrderState.COMPLETED,
    createTime: timestampFromDate(o.createdAt),
    ...(o.completedAt ? { completeTime: timestampFromDate(o.completedAt) } : {}),
  });

/** RequestSeatsFromSales and CompleteSalesOrder: request shape, the use case, the answer. */
export function createSalesHandlers(
  deps: MutationDeps,
): Pick<Handlers, 'requestSeatsFromSales' | 'completeSalesOrder'> {
  return {
    async requestSeatsFromSales(request, { principal, requestId }) {
      const problems = new RequestProblems().slug('product_id', request.productId);
      if (request.quantity < 1 || request.quantity > 10_000) problems.add('quantity', 'must be from 1 to 10000');
      if (request.note.length > FIELD_LIMITS.note) problems.add('note', `at most ${FIELD_LIMITS.note} characters`);
      const spec = {
        method: 'RequestSeatsFromSales',
        requestSchema: RequestSeatsFromSalesRequestSchema,
        responseSchema: RequestSeatsFromSalesResponseSchema,
        request,
        principal,
        requestId,
        problems,
        authorizeAt: 'request_seats_from_sales' as const,
      };
      return runMutation(deps, spec, async (ctx) => {
        const { order, decision } = await requestSeatsFromSales(ctx, {
          productId: request.productId,
          quantity: request.quantity,
          note: request.note,
        });
        return create(RequestSeatsFromSalesResponseSchema, {
          order: createdId(toSalesOrder(order), request.validateOnly),
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },

    async completeSalesOrder(request, { principal, requestId }) {
      const problems = new RequestProblems().id('order_id', request.orderId, 'so');
      const spec = {
        method: 'CompleteSalesOrder',
        requestSchema: CompleteSalesOrderRequestSchema,
        responseSchema: CompleteSalesOrderResponseSchema,
        request,
        principal,
        requestId,
        problems,
        authorizeAt: 'complete_sales_order' as const,
      };
      return runMutation(deps, spec, async (ctx) => {
        const { order, changes, decision } = await completeSalesOrder(ctx, { orderId: request.orderId });
        return create(CompleteSalesOrderResponseSchema, {
          order: toSalesOrder(order),
          changes,
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },
  };
}
