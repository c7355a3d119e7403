import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
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
import type { CatalogProduct, LicensingTx } from '@acme/licensing-data-access';
import { AppError } from '@acme/util';
import { actorFacts } from '../mutations/actor-facts.js';
import { decisionError, decisionSummary } from '../mutations/decision-outcome.js';
import { outboxEvents, type PayloadInit } from '../mutations/outbox-events.js';
import { runMutation, type MutationDeps } from '../mutations/run-mutation.js';
import { RequestProblems } from './validation.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;

const MAX_SEATS = 10_000;
const ORDER_NAMES: Record<DowngradeOrder, string> = {
  [DowngradeOrder.UNSPECIFIED]: '',
  [DowngradeOrder.MOST_RECENT_FIRST]: 'most_recent_first',
  [DowngradeOrder.ALPHABETICAL]: 'alphabetical',
  [DowngradeOrder.EXPLICIT]: 'explicit',
};

/** The products whose seats move together: the whole suite, or the product alone. */
async function seatGroup(tx: LicensingTx, productId: string): Promise<{ product: CatalogProduct; group: CatalogProduct[] }> {
  const [product] = await tx.products([productId]);
  if (!product) throw AppError.invalidArgument([{ field: 'product_id', description: `unknown product ${productId}` }]);
  return { product, group: product.suiteId ? await tx.suiteProducts(product.suiteId) : [product] };
}

const money = (amountMinor: number, currencyCode: string) => ({ currencyCode, amountMinor: BigInt(amountMinor) });

/** PurchaseSeats and ReduceSeats; suite products always move together (suite parity). */
export function createSeatHandlers(deps: MutationDeps): Pick<Handlers, 'purchaseSeats' | 'reduceSeats'> {
  return {
    async purchaseSeats(request, { principal, requestId }) {
      const problems = new RequestProblems().slug('product_id', request.productId);
      if (request.quantity < 1 || request.quantity > MAX_SEATS) problems.add('quantity', `must be from 1 to ${MAX_SEATS}`);
      const shown = request.expectedUnitPrice;
      if (!shown) problems.add('expected_unit_price', 'required: the unit price the buyer was shown');
      else if (!/^[A-Z]{3}$/.test(shown.currencyCode) || shown.amountMinor < 0n) problems.add('expected_unit_price', 'must be an ISO 4217 currency and a non-negative amount in minor units');
      const spec = { method: 'PurchaseSeats', requestSchema: PurchaseSeatsRequestSchema, responseSchema: PurchaseSeatsResponseSchema, request, principal, problems, authorizeAt: 'purchase_seats' as const };
      return runMutation(deps, spec, async (tx, accountId, now, account) => {
        const { product, group } = await seatGroup(tx, request.productId);
        for (const p of group) await tx.ensureSubscription(accountId, p.id, p.unitPriceMinor, p.currency);
        const subscriptions = new Map((await tx.subscriptions(accountId, group.map((p) => p.id))).map((s) => [s.productId, s]));
        const rate = subscriptions.get(product.id)!;
        // The price shown must be the price charged: a different figure is never charged silently.
        if (shown!.currencyCode !== rate.currency || shown!.amountMinor !== BigInt(rate.unitPriceMinor)) {
          throw new AppError('failed_precondition', `the price shown (${shown!.amountMinor} ${shown!.currencyCode}) differs from this account's rate; contact support before buying`, {
            reason: 'PRICE_MISMATCH',
            metadata: { product_id: product.id },
          });
        }
        const facts = group.map((p) => {
          const s = subscriptions.get(p.id)!;
          const purchasedAfter = s.purchased + request.quantity;
          return { id: p.id, suiteId: p.suiteId, purchased: s.purchased, assigned: s.assigned, available: s.purchased - s.assigned, requested: request.quantity, purchasedAfter, availableAfter: purchasedAfter - s.assigned };
        });
        const decision = await deps.rules().decide('purchase_seats', {
          ...actorFacts(principal, account),
          request: { productId: product.id, quantity: request.quantity },
          products: facts,
          suite: { id: product.suiteId, seatCountsAfter: facts.map((f) => f.purchasedAfter) },
        }, { authorized: true });
        if (!decision.allowed) throw decisionError(decision, accountId);
        for (const f of facts) await tx.setPurchasedSeats(accountId, f.id, f.purchasedAfter);
        tx.appendAudit(facts.map((f) => ({ accountId, actor: principal.subject, action: 'seats.purchased', resourceType: 'subscription', resourceId: f.id, before: { purchased: f.purchased }, after: { purchased: f.purchasedAfter }, causationId: requestId, occurredAt: now })));
        await tx.appendEvents(
          accountId,
          outboxEvents(
            { accountId, principal, causationId: requestId, occurredAt: now },
            facts.map((f): PayloadInit => {
              const s = subscriptions.get(f.id)!;
              const p = group.find((g) => g.id === f.id)!;
              return { case: 'seatsPurchased', value: { productId: f.id, quantity: request.quantity, purchasedAfter: f.purchasedAfter, price: { unitPrice: money(s.unitPriceMinor, s.currency), billingPeriod: p.billingPeriod }, effectiveTime: timestampFromDate(now) } };
            }),
          ),
        );
        const charged = facts.reduce((sum, f) => sum + subscriptions.get(f.id)!.unitPriceMinor * request.quantity, 0);
        return create(PurchaseSeatsResponseSchema, {
          changes: facts.map((f) => ({ productId: f.id, purchasedBefore: f.purchased, purchasedAfter: f.purchasedAfter })),
          charged: money(charged, rate.currency),
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },

    async reduceSeats(request, { principal, requestId }) {
      const problems = new RequestProblems().slug('product_id', request.productId);
      if (request.newTotal < 0) problems.add('new_total', 'must be 0 or more');
      else if (request.newTotal > MAX_SEATS * 100) problems.add('new_total', 'must be below the current number of purchased seats (use PurchaseSeats to add)');
      if (!(request.downgradeOrder in ORDER_NAMES)) problems.add('downgrade_order', 'unknown order');
      const explicit = request.downgradeOrder === DowngradeOrder.EXPLICIT;
      if (!explicit && request.explicitUserIds.length > 0) problems.add('explicit_user_ids', 'only with DOWNGRADE_ORDER_EXPLICIT');
      request.explicitUserIds.forEach((id, i) => problems.id(`explicit_user_ids[${i}]`, id, 'usr'));
      const spec = { method: 'ReduceSeats', requestSchema: ReduceSeatsRequestSchema, responseSchema: ReduceSeatsResponseSchema, request, principal, problems, authorizeAt: 'reduce_seats' as const };
      return runMutation(deps, spec, async (tx, accountId, now, account) => {
        const { product, group } = await seatGroup(tx, request.productId);
        const subscriptions = new Map((await tx.subscriptions(accountId, group.map((p) => p.id))).map((s) => [s.productId, s]));
        const current = subscriptions.get(product.id);
        if (!current) throw AppError.invalidArgument([{ field: 'product_id', description: `this account has no seats of ${product.id}` }]);
        if (request.newTotal >= current.purchased) throw AppError.invalidArgument([{ field: 'new_total', description: `must be below the current ${current.purchased} seats (use PurchaseSeats to add)` }]);
        const facts = [];
        for (const p of group) {
          const s = subscriptions.get(p.id) ?? { purchased: 0, assigned: 0, unitPriceMinor: p.unitPriceMinor, currency: p.currency, productId: p.id };
          const holders = await tx.holders(accountId, p.id);
          facts.push({
            id: p.id, suiteId: p.suiteId, purchased: s.purchased, assigned: s.assigned, available: s.purchased - s.assigned,
            requested: request.newTotal - s.purchased, purchasedAfter: request.newTotal, availableAfter: request.newTotal - s.assigned,
            excess: Math.max(0, s.assigned - request.newTotal),
            holders: holders.map((h) => ({ userId: h.userId, displayName: h.displayName, assignedAt: h.assignedAt.toISOString(), assignmentId: h.assignmentId })),
          });
        }
        const decision = await deps.rules().decide('reduce_seats', {
          ...actorFacts(principal, account),
          request: { productId: product.id, newTotal: request.newTotal, downgradeOrder: ORDER_NAMES[request.downgradeOrder], explicitUserIds: [...request.explicitUserIds] },
          products: facts,
          suite: { id: product.suiteId, seatCountsAfter: facts.map(() => request.newTotal) },
        }, { authorized: true });
        if (!decision.allowed) throw decisionError(decision, accountId);

        const downgraded: string[] = [];
        const payloads: PayloadInit[] = [];
        for (const effect of decision.effects.filter((e) => e.type === 'downgrade')) {
          const f = facts.find((x) => x.id === effect.productId)!;
          for (const userId of effect.userIds ?? []) {
            const holder = f.holders.find((h) => h.userId === userId)!;
            await tx.deleteAssignment(holder.assignmentId);
            await tx.releaseSeats(accountId, f.id, 1);
            downgraded.push(userId);
            tx.appendAudit([{ accountId, actor: principal.subject, action: 'agent.downgraded', resourceType: 'assignment', resourceId: holder.assignmentId, before: { userId, productId: f.id }, after: null, causationId: requestId, occurredAt: now }]);
            payloads.push({ case: 'agentDowngraded', value: { assignmentId: holder.assignmentId, userId, productId: f.id, downgradeOrder: effect.code ?? '', effectiveTime: timestampFromDate(now) } });
          }
        }
        for (const f of facts) {
          if (!(await tx.setPurchasedSeats(accountId, f.id, request.newTotal))) {
            throw new AppError('aborted', `${f.id}: seats were assigned concurrently; retry the reduction`, { reason: 'CONFLICT' });
          }
          const s = subscriptions.get(f.id);
          tx.appendAudit([{ accountId, actor: principal.subject, action: 'seats.reduced', resourceType: 'subscription', resourceId: f.id, before: { purchased: f.purchased }, after: { purchased: request.newTotal }, causationId: requestId, occurredAt: now }]);
          const p = group.find((g) => g.id === f.id)!;
          payloads.push({ case: 'seatsReduced', value: { productId: f.id, quantity: f.purchased - request.newTotal, purchasedAfter: request.newTotal, price: { unitPrice: money(s?.unitPriceMinor ?? p.unitPriceMinor, s?.currency ?? p.currency), billingPeriod: p.billingPeriod }, effectiveTime: timestampFromDate(now) } });
        }
        await tx.appendEvents(accountId, outboxEvents({ accountId, principal, causationId: requestId, occurredAt: now }, payloads));
        return create(ReduceSeatsResponseSchema, {
          changes: facts.map((f) => ({ productId: f.id, purchasedBefore: f.purchased, purchasedAfter: request.newTotal })),
          downgradedUserIds: downgraded,
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },
  };
}
