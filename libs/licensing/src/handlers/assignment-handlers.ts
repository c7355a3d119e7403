import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AssignLicensesRequestSchema,
  AssignLicensesResponseSchema,
  UnassignLicensesRequestSchema,
  UnassignLicensesResponseSchema,
  UpdateFeaturesRequestSchema,
  UpdateFeaturesResponseSchema,
  type LicensingService,
} from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { ServiceHandlers } from '@acme/grpc';
import type { LicensingTx } from '@acme/licensing-data-access';
import { AppError } from '@acme/util';
import { actorFacts } from '../mutations/actor-facts.js';
import { decisionError, decisionSummary } from '../mutations/decision-outcome.js';
import { runMutation, type MutationDeps } from '../mutations/run-mutation.js';
import { grantProducts, phoneFacts, queueCounts, retentionParams, seatFacts, userFacts } from '../mutations/grant-products.js';
import { outboxEvents } from '../mutations/outbox-events.js';
import { RequestProblems } from './validation.js';
import { toAssignment } from './mappers.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;

const MAX_PRODUCTS = 20;

export function checkProductList(problems: RequestProblems, field: string, productIds: string[]): void {
  if (productIds.length === 0) problems.add(field, 'at least one product is required');
  if (productIds.length > MAX_PRODUCTS) problems.add(field, `at most ${MAX_PRODUCTS} products per request`);
  const seen = new Set<string>();
  productIds.forEach((id, i) => {
    problems.slug(`${field}[${i}]`, id);
    if (seen.has(id)) problems.add(`${field}[${i}]`, `duplicate product ${id.slice(0, 64)}`);
    seen.add(id);
  });
}

export async function loadUser(tx: LicensingTx, accountId: string, userId: string) {
  const user = await tx.user(accountId, userId);
  if (!user) throw AppError.notFound('user', userId);
  return user;
}

/** AssignLicenses and UnassignLicenses: all or nothing, decided by the rules, audited, with outbox events. */
export type { MutationDeps };

export function createAssignmentHandlers(deps: MutationDeps): Pick<Handlers, 'assignLicenses' | 'unassignLicenses' | 'updateFeatures'> {
  return {
    async assignLicenses(request, { principal, requestId }) {
      const problems = new RequestProblems().id('user_id', request.userId, 'usr');
      checkProductList(problems, 'products', request.products.map((p) => p.productId));
      const prefetch = { userId: request.userId, productIds: request.products.map((p) => p.productId) };
      const spec = { method: 'AssignLicenses', requestSchema: AssignLicensesRequestSchema, responseSchema: AssignLicensesResponseSchema, request, principal, problems, prefetch, authorizeAt: 'assign' as const };
      return runMutation(deps, spec, async (tx, accountId, now, account) => {
        const user = await loadUser(tx, accountId, request.userId);
        const held = await tx.assignmentsOfUser(user.id);
        const { created, decision } = await grantProducts(
          { deps, tx, principal, account, user, held, point: 'assign', field: 'products', requestId, now, notifyUser: request.notifyUser },
          request.products,
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
      const prefetch = { userId: request.userId, productIds: request.productIds };
      const spec = { method: 'UnassignLicenses', requestSchema: UnassignLicensesRequestSchema, responseSchema: UnassignLicensesResponseSchema, request, principal, problems, prefetch, authorizeAt: 'unassign' as const };
      return runMutation(deps, spec, async (tx, accountId, now, account) => {
        const user = await loadUser(tx, accountId, request.userId);
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
          user: userFacts(user, held, await queueCounts(tx, accountId, user.id), await phoneFacts(tx, user.id, now)),
        }, { authorized: true });
        if (!decision.allowed) throw decisionError(decision, accountId);

        const removed = request.productIds.map((id) => held.find((a) => a.productId === id)!);
        for (const assignment of removed) {
          await tx.deleteAssignment(assignment.id);
          await tx.releaseSeats(accountId, assignment.productId, 1);
        }
        // The rules decide whether the phone configuration is kept; it stays for the retention window.
        const retain = decision.effects.find((e) => e.type === 'configuration_retained');
        const purgeAt = new Date(now.getTime() + retentionParams(deps).days * 86_400_000);
        if (retain) await tx.setPhoneConfigurationRetention(user.id, purgeAt);
        tx.appendAudit(removed.map((a) => ({ accountId, actor: principal.subject, action: 'license.unassigned', resourceType: 'assignment', resourceId: a.id, before: { userId: a.userId, productId: a.productId, features: a.features }, after: null, causationId: requestId, occurredAt: now })));
        await tx.appendEvents(
          accountId,
          outboxEvents({ accountId, principal, causationId: requestId, occurredAt: now }, [
            ...removed.map((a) => ({ case: 'licenseUnassigned' as const, value: { assignmentId: a.id, userId: a.userId, productId: a.productId, effectiveTime: timestampFromDate(now) } })),
            ...(retain ? [{ case: 'configurationRetained' as const, value: { userId: user.id, productId: retain.productId ?? '', purgeTime: timestampFromDate(purgeAt) } }] : []),
            ...(request.notifyUser ? [{ case: 'notificationRequested' as const, value: { template: 'product_change', userId: user.id, parameters: { removed: request.productIds.join(',') } } }] : []),
          ]),
        );
        return create(UnassignLicensesResponseSchema, {
          results: removed.map((a) => ({ productId: a.productId, assignment: toAssignment(a) })),
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },

    async updateFeatures(request, { principal, requestId }) {
      const problems = new RequestProblems().id('user_id', request.userId, 'usr').slug('product_id', request.productId);
      if (Object.keys(request.features).length === 0) problems.add('features', 'name at least one feature to change');
      const spec = { method: 'UpdateFeatures', requestSchema: UpdateFeaturesRequestSchema, responseSchema: UpdateFeaturesResponseSchema, request, principal, problems, prefetch: { userId: request.userId }, authorizeAt: 'set_features' as const };
      return runMutation(deps, spec, async (tx, accountId, now, account) => {
        const user = await loadUser(tx, accountId, request.userId);
        const held = await tx.assignmentsOfUser(user.id);
        const assignment = held.find((a) => a.productId === request.productId);
        if (!assignment) throw AppError.invalidArgument([{ field: 'product_id', description: `${user.id} does not hold ${request.productId}` }]);
        const [product] = await tx.products([request.productId]);
        const unknown = Object.keys(request.features).filter((f) => !product!.features.includes(f));
        if (unknown.length > 0) {
          throw AppError.invalidArgument(unknown.map((f) => ({ field: `features.${f.slice(0, 64)}`, description: `${product!.id} has no feature ${f.slice(0, 64)} (it has: ${product!.features.join(', ')})` })));
        }
        const subscriptions = await tx.subscriptions(accountId, [product!.id]);
        const decision = await deps.rules().decide('set_features', {
          ...actorFacts(principal, account),
          request: { productId: product!.id, features: Object.keys(request.features) },
          products: [seatFacts(product!.id, product!.suiteId, subscriptions[0], 0)],
          user: userFacts(user, held, await queueCounts(tx, accountId, user.id), await phoneFacts(tx, user.id, now)),
        }, { authorized: true });
        if (!decision.allowed) throw decisionError(decision, accountId);
        const after = { ...assignment.features, ...request.features };
        await tx.updateAssignmentFeatures(assignment.id, after);
        tx.appendAudit([{ accountId, actor: principal.subject, action: 'features.changed', resourceType: 'assignment', resourceId: assignment.id, before: { features: assignment.features }, after: { features: after }, causationId: requestId, occurredAt: now }]);
        await tx.appendEvents(
          accountId,
          outboxEvents({ accountId, principal, causationId: requestId, occurredAt: now }, [
            { case: 'featuresChanged', value: { assignmentId: assignment.id, userId: user.id, productId: product!.id, before: assignment.features, after } },
          ]),
        );
        return create(UpdateFeaturesResponseSchema, { assignment: toAssignment({ ...assignment, features: after }), decision: decisionSummary(decision, request.validateOnly) });
      });
    },
  };
}
