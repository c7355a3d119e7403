import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  CancelSalesOrderRequestSchema,
  CancelSalesOrderResponseSchema,
  CompleteSalesOrderRequestSchema,
  CompleteSalesOrderResponseSchema,
  GetSalesOrderResponseSchema,
  ListSalesOrdersResponseSchema,
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
import { resolveAccountId } from '../account-scope.js';
import type { LicensingStore } from '../store.js';
import { cancelSalesOrder } from '../use-cases/cancel-sales-order.js';
import { completeSalesOrder } from '../use-cases/complete-sales-order.js';
import { requestSeatsFromSales } from '../use-cases/request-seats-from-sales.js';
import { createdId, decisionSummary } from './mappers.js';
import { runMutation, type MutationDeps } from './mutation-frame.js';
import { readPage } from './paging.js';
import { RequestProblems } from './validation.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;

const STATES: Record<SalesOrderRecord['state'], SalesOrderState> = {
  pending: SalesOrderState.PENDING,
  completed: SalesOrderState.COMPLETED,
  cancelled: SalesOrderState.CANCELLED,
};

const toSalesOrder = (o: SalesOrderRecord): SalesOrder =>
  create(SalesOrderSchema, {
    id: o.id,
    accountId: o.accountId,
    productId: o.productId,
    quantity: o.quantity,
    state: STATES[o.state],
    createTime: timestampFromDate(o.createdAt),
    requestedBy: o.requestedBy,
    note: o.note,
    ...(o.completedAt ? { completeTime: timestampFromDate(o.completedAt) } : {}),
    ...(o.cancelledAt ? { cancelTime: timestampFromDate(o.cancelledAt) } : {}),
  });

/** The sales orders: request, complete, cancel, list and read; request shape, the use case, the answer. */
export function createSalesHandlers(
  deps: MutationDeps,
  store: LicensingStore,
): Pick<
  Handlers,
  'requestSeatsFromSales' | 'completeSalesOrder' | 'cancelSalesOrder' | 'listSalesOrders' | 'getSalesOrder'
> {
  return {
    async requestSeatsFromSales(request, { principal, requestId }) {
      const problems = new RequestProblems()
        .slug('product_id', request.productId)
        .seatQuantity('quantity', request.quantity);
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

    async cancelSalesOrder(request, { principal, requestId }) {
      const problems = new RequestProblems().id('order_id', request.orderId, 'so');
      const spec = {
        method: 'CancelSalesOrder',
        requestSchema: CancelSalesOrderRequestSchema,
        responseSchema: CancelSalesOrderResponseSchema,
        request,
        principal,
        requestId,
        problems,
        authorizeAt: 'cancel_sales_order' as const,
      };
      return runMutation(deps, spec, async (ctx) => {
        const { order, decision } = await cancelSalesOrder(ctx, { orderId: request.orderId });
        return create(CancelSalesOrderResponseSchema, {
          order: toSalesOrder(order),
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },

    async listSalesOrders(request, { principal }) {
      const accountId = resolveAccountId(principal, request.accountId);
      const state = Object.entries(STATES).find(([, value]) => value === request.state)?.[0];
      if (request.state !== SalesOrderState.UNSPECIFIED && !state)
        throw AppError.invalidArgument([{ field: 'state', description: 'unknown state' }]);
      const page = readPage(request);
      if (!(await store.accounts.get(accountId))) throw AppError.notFound('account', accountId);
      const listed = await store.salesOrders.list(
        accountId,
        state ? { state: state as SalesOrderRecord['state'] } : {},
        page,
      );
      return create(ListSalesOrdersResponseSchema, {
        orders: listed.orders.map(toSalesOrder),
        nextPageToken: listed.nextPageToken ?? '',
      });
    },

    async getSalesOrder(request, { principal }) {
      const accountId = resolveAccountId(principal, request.accountId);
      new RequestProblems().id('order_id', request.orderId, 'so').throwIfAny();
      const order = await store.salesOrders.get(accountId, request.orderId);
      if (!order) throw AppError.notFound('sales_order', request.orderId);
      return create(GetSalesOrderResponseSchema, { order: toSalesOrder(order) });
    },
  };
}
