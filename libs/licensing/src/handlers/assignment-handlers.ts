import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AssignLicensesRequestSchema,
  AssignLicensesResponseSchema,
  UnassignLicensesRequestSchema,
  UnassignLicensesResponseSchema,
  type LicensingService,
} from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { ServiceHandlers } from '@acme/grpc';
import type { AssignmentRecord, LicensingTx, SubscriptionRecord } from '@acme/licensing-data-access';
import { AppError } from '@acme/util';
import { actorFacts } from '../mutations/actor-facts.js';
import { decisionError, decisionSummary } from '../mutations/decision-outcome.js';
import { runMutation, type MutationDeps } from '../mutations/run-mutation.js';
import { outboxEvents } from '../mutations/outbox-events.js';
import { RequestProblems } from './validation.js';
import { toAssignment } from './mappers.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;

const MAX_PRODUCTS = 20;

function checkProductList(problems: RequestProblems, field: string, productIds: string[]): void {
  if (productIds.length === 0) problems.add(field, 'at least one product is required');
  if (productIds.length > MAX_PRODUCTS) problems.add(field, `at most ${MAX_PRODUCTS} products per request`);
  const seen = new Set<string>();
  productIds.forEach((id, i) => {
    problems.slug(`${field}[${i}]`, id);
    if (seen.has(id)) problems.add(`${field}[${i}]`, `duplicate product ${id.slice(0, 64)}`);
    seen.add(id);
  });
}

async function loadAccountAndUser(tx: LicensingTx, accountId: string, userId: string) {
  const account = await tx.account(accountId);
  if (!account) throw AppError.notFound('account', accountId);
  const user = await tx.user(accountId, userId);
  if (!user) throw AppError.notFound('user', userId);
  return { account, user };
}

const seatFacts = (productId: string, suiteId: string | null, sub: SubscriptionRecord | undefined, requested: number) => {
  const purchased = sub?.purchased ?? 0;
  const assigned = sub?.assigned ?? 0;
  return { id: productId, suiteId, purchased, assigned, available: purchased - assigned, requested, availableAfter: purchased - assigned - requested, purchasedAfter: purchased };
};

/** AssignLicenses and UnassignLicenses: all or nothing, decided by the rules, audited, with outbox events. */
export type { MutationDeps };

export function createAssignmentHandlers(deps: MutationDeps): Pick<Handlers, 'assignLicenses' | 'unassignLicenses'> {
  return {
    async assignLicenses(request, { principal, requestId }) {
      const problems = new RequestProblems().id('user_id', request.userId, 'usr');
      const productIds = request.products.map((p) => p.productId);
      checkProductList(problems, 'products', productIds);
      const spec = { method: 'AssignLicenses', requestSchema: AssignLicensesRequestSchema, responseSchema: AssignLicensesResponseSchema, request, principal, problems };
      return runMutation(deps, spec, async (tx, accountId, now) => {
        const { account, user } = await loadAccountAndUser(tx, accountId, request.userId);
        const products = new Map((await tx.products(productIds)).map((p) => [p.id, p]));
        const held = await tx.assignmentsOfUser(user.id);
        const later = new RequestProblems();
        request.products.forEach((wanted, i) => {
          const product = products.get(wanted.productId);
          if (!product) return void later.add(`products[${i}].product_id`, `unknown product ${wanted.productId}`);
          if (held.some((a) => a.productId === product.id)) later.add(`products[${i}].product_id`, `${user.id} already holds ${product.id}`);
          for (const feature of Object.keys(wanted.features)) {
            if (!product.features.includes(feature)) later.add(`products[${i}].features.${feature.slice(0, 64)}`, `${product.id} has no feature ${feature.slice(0, 64)} (it has: ${product.features.join(', ')})`);
          }
        });
        later.throwIfAny();

        const subscriptions = new Map((await tx.subscriptions(accountId, productIds)).map((s) => [s.productId, s]));
        const decision = await deps.rules().decide('assign', {
          ...actorFacts(principal, account),
          request: { productIds },
          products: productIds.map((id) => seatFacts(id, products.get(id)!.suiteId, subscriptions.get(id), 1)),
          user: { id: user.id, productIds: held.map((a) => a.productId), queueMembershipCount: 0, queueMembershipCountAfter: 0, hasPhoneConfiguration: false, hasRetainedConfiguration: false },
        });
        if (!decision.allowed) throw decisionError(decision, accountId);

        const created: AssignmentRecord[] = [];
        for (const wanted of request.products) {
          const product = products.get(wanted.productId)!;
          // The guarded update is the last word: a concurrent request may have taken the seat.
          if (!(await tx.reserveSeats(accountId, product.id, 1))) {
            throw new AppError('resource_exhausted', `${product.id}: no seat left`, {
              reason: 'SEATS_EXHAUSTED',
              ruleViolations: [{ type: 'seat-limits.no-assignment-beyond-purchased', subject: product.id, description: `${product.id}: every purchased seat is assigned` }],
            });
          }
          const features = Object.fromEntries(product.features.map((f) => [f, wanted.features[f] ?? true]));
          created.push(tx.insertAssignment({ accountId, userId: user.id, productId: product.id, features, createdAt: now }));
        }
        tx.appendAudit(created.map((a) => ({ accountId, actor: principal.subject, action: 'license.assigned', resourceType: 'assignment', resourceId: a.id, before: null, after: { userId: a.userId, productId: a.productId, features: a.features }, causationId: requestId, occurredAt: now })));
        await tx.appendEvents(
          accountId,
          outboxEvents({ accountId, principal, causationId: requestId, occurredAt: now }, [
            ...created.map((a) => {
              const sub = subscriptions.get(a.productId);
              const product = products.get(a.productId)!;
              return {
                case: 'licenseAssigned' as const,
                value: { assignmentId: a.id, userId: a.userId, productId: a.productId, features: a.features, effectiveTime: timestampFromDate(now), price: { unitPrice: { currencyCode: sub?.currency ?? product.currency, amountMinor: BigInt(sub?.unitPriceMinor ?? product.unitPriceMinor) }, billingPeriod: product.billingPeriod } },
              };
            }),
            ...decision.effects.filter((e) => e.type === 'notice' && e.code === 'seats_exhausted').map((e) => ({
              case: 'seatsExhausted' as const,
              value: { productId: e.productId ?? '', purchased: subscriptions.get(e.productId ?? '')?.purchased ?? 0 },
            })),
            ...(request.notifyUser ? [{ case: 'notificationRequested' as const, value: { template: 'product_change', userId: user.id, parameters: { added: productIds.join(',') } } }] : []),
          ]),
        );
        return create(AssignLicensesResponseSchema, {
          results: created.map((a) => ({ productId: a.productId, assignment: toAssignment(a) })),
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },

    async unassignLicenses(request, { principal, requestId }) {
      const problems = new RequestProblems().id('user_id', request.userId, 'usr');
      checkProductList(problems, 'product_ids', request.productIds);
      const spec = { method: 'UnassignLicenses', requestSchema: UnassignLicensesRequestSchema, responseSchema: UnassignLicensesResponseSchema, request, principal, problems };
      return runMutation(deps, spec, async (tx, accountId, now) => {
        const { account, user } = await loadAccountAndUser(tx, accountId, request.userId);
        const held = await tx.assignmentsOfUser(user.id);
        const removing = new RequestProblems();
        request.productIds.forEach((id, i) => {
          if (!held.some((a) => a.productId === id)) removing.add(`product_ids[${i}]`, `${user.id} does not hold ${id}`);
        });
        removing.throwIfAny();
        const products = new Map((await tx.products(request.productIds)).map((p) => [p.id, p]));
        const subscriptions = new Map((await tx.subscriptions(accountId, request.productIds)).map((s) => [s.productId, s]));
        const decision = await deps.rules().decide('unassign', {
          ...actorFacts(principal, account),
          request: { productIds: request.productIds },
          products: request.productIds.map((id) => seatFacts(id, products.get(id)?.suiteId ?? null, subscriptions.get(id), -1)),
          user: { id: user.id, productIds: held.map((a) => a.productId), queueMembershipCount: 0, queueMembershipCountAfter: 0, hasPhoneConfiguration: false, hasRetainedConfiguration: false },
        });
        if (!decision.allowed) throw decisionError(decision, accountId);

        const removed = request.productIds.map((id) => held.find((a) => a.productId === id)!);
        for (const assignment of removed) {
          await tx.deleteAssignment(assignment.id);
          await tx.releaseSeats(accountId, assignment.productId, 1);
        }
        tx.appendAudit(removed.map((a) => ({ accountId, actor: principal.subject, action: 'license.unassigned', resourceType: 'assignment', resourceId: a.id, before: { userId: a.userId, productId: a.productId, features: a.features }, after: null, causationId: requestId, occurredAt: now })));
        await tx.appendEvents(
          accountId,
          outboxEvents({ accountId, principal, causationId: requestId, occurredAt: now }, [
            ...removed.map((a) => ({ case: 'licenseUnassigned' as const, value: { assignmentId: a.id, userId: a.userId, productId: a.productId, effectiveTime: timestampFromDate(now) } })),
            ...(request.notifyUser ? [{ case: 'notificationRequested' as const, value: { template: 'product_change', userId: user.id, parameters: { removed: request.productIds.join(',') } } }] : []),
          ]),
        );
        return create(UnassignLicensesResponseSchema, {
          results: removed.map((a) => ({ productId: a.productId, assignment: toAssignment(a) })),
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },
  };
}
