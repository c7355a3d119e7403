import { create } from '@bufbuild/protobuf';
import {
  DowngradeOrder,
  PurchaseSeatsRequestSchema,
  PurchaseSeatsResponseSchema,
  ReduceSeatsRequestSchema,
  ReduceSeatsResponseSchema,
  type LicensingService,
} from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { ServiceHandlers } from '@acme/grpc';
import { purchaseSeats } from '../use-cases/purchase-seats.js';
import { reduceSeats } from '../use-cases/reduce-seats.js';
import { decisionSummary, toBillingBasis } from './mappers.js';
import { runMutation, type MutationDeps } from './mutation-frame.js';
import { MAX_SEATS, RequestProblems } from './validation.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;

const ORDER_NAMES: Record<DowngradeOrder, string> = {
  [DowngradeOrder.UNSPECIFIED]: '',
  [DowngradeOrder.MOST_RECENT_FIRST]: 'most_recent_first',
  [DowngradeOrder.ALPHABETICAL]: 'alphabetical',
  [DowngradeOrder.EXPLICIT]: 'explicit',
};

/** PurchaseSeats and ReduceSeats: request shape, the use case, the answer. */
export function createSeatHandlers(deps: MutationDeps): Pick<Handlers, 'purchaseSeats' | 'reduceSeats'> {
  return {
    async purchaseSeats(request, { principal, requestId }) {
      const shown = request.expectedUnitPrice;
      const problems = new RequestProblems()
        .productOrSuite(request.productId, request.suiteId)
        .seatQuantity('quantity', request.quantity)
        .shownMoney('expected_unit_price', shown, 'the unit price the buyer was shown');
      const spec = {
        method: 'PurchaseSeats',
        requestSchema: PurchaseSeatsRequestSchema,
        responseSchema: PurchaseSeatsResponseSchema,
        request,
        principal,
        requestId,
        problems,
        authorizeAt: 'purchase_seats' as const,
      };
      return runMutation(deps, spec, async (ctx) => {
        const { changes, lines, charged, decision } = await purchaseSeats(ctx, {
          productId: request.productId,
          suiteId: request.suiteId,
          quantity: request.quantity,
          expectedUnitPrice: shown!,
        });
        return create(PurchaseSeatsResponseSchema, {
          changes,
          lines: lines.map((line) => ({ ...line, billingBasis: toBillingBasis(line.billingBasis) })),
          charged,
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },

    async reduceSeats(request, { principal, requestId }) {
      const problems = new RequestProblems().productOrSuite(request.productId, request.suiteId);
      if (request.newTotal < 0) problems.add('new_total', 'must be 0 or more');
      else if (request.newTotal > MAX_SEATS * 100)
        problems.add('new_total', 'must be below the current number of purchased seats (use PurchaseSeats to add)');
      if (!(request.downgradeOrder in ORDER_NAMES)) problems.add('downgrade_order', 'unknown order');
      const explicit = request.downgradeOrder === DowngradeOrder.EXPLICIT;
      if (!explicit && request.explicitUserIds.length > 0)
        problems.add('explicit_user_ids', 'only with DOWNGRADE_ORDER_EXPLICIT');
      request.explicitUserIds.forEach((id, i) => problems.id(`explicit_user_ids[${i}]`, id, 'usr'));
      const spec = {
        method: 'ReduceSeats',
        requestSchema: ReduceSeatsRequestSchema,
        responseSchema: ReduceSeatsResponseSchema,
        request,
        principal,
        requestId,
        problems,
        authorizeAt: 'reduce_seats' as const,
      };
      return runMutation(deps, spec, async (ctx) => {
        const command = {
          productId: request.productId,
          suiteId: request.suiteId,
          newTotal: request.newTotal,
          downgradeOrder: ORDER_NAMES[request.downgradeOrder],
          explicitUserIds: request.explicitUserIds,
        };
        const { changes, downgradedUserIds, decision } = await reduceSeats(ctx, command);
        return create(ReduceSeatsResponseSchema, {
          changes,
          downgradedUserIds,
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },
  };
}
