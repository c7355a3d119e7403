import { create } from '@bufbuild/protobuf';
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
import { assignLicenses } from '../use-cases/assign-licenses.js';
import { unassignLicenses } from '../use-cases/unassign-licenses.js';
import { updateFeatures } from '../use-cases/update-features.js';
import { createdId, decisionSummary, toAssignment } from './mappers.js';
import { runMutation, type MutationDeps } from './mutation-frame.js';
import { RequestProblems } from './validation.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;

const MAX_PRODUCTS = 20;

/** A request's product list: one to MAX_PRODUCTS product ids, each well-formed and named once. */
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

/** AssignLicenses, UnassignLicenses and UpdateFeatures: request shape, the use case, the answer. */
export function createAssignmentHandlers(
  deps: MutationDeps,
): Pick<Handlers, 'assignLicenses' | 'unassignLicenses' | 'updateFeatures'> {
  return {
    async assignLicenses(request, { principal, requestId }) {
      const problems = new RequestProblems().id('user_id', request.userId, 'usr');
      checkProductList(
        problems,
        'products',
        request.products.map((p) => p.productId),
      );
      const prefetch = { userId: request.userId, productIds: request.products.map((p) => p.productId) };
      const spec = {
        method: 'AssignLicenses',
        requestSchema: AssignLicensesRequestSchema,
        responseSchema: AssignLicensesResponseSchema,
        request,
        principal,
        requestId,
        problems,
        prefetch,
        authorizeAt: 'assign' as const,
      };
      return runMutation(deps, spec, async (ctx) => {
        const { created, decision } = await assignLicenses(ctx, {
          userId: request.userId,
          products: request.products,
          notifyUser: request.notifyUser,
        });
        return create(AssignLicensesResponseSchema, {
          results: created.map((a) => ({
            productId: a.productId,
            assignment: createdId(toAssignment(a), request.validateOnly),
          })),
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },

    async unassignLicenses(request, { principal, requestId }) {
      const problems = new RequestProblems().id('user_id', request.userId, 'usr');
      checkProductList(problems, 'product_ids', request.productIds);
      const prefetch = { userId: request.userId, productIds: request.productIds };
      const spec = {
        method: 'UnassignLicenses',
        requestSchema: UnassignLicensesRequestSchema,
        responseSchema: UnassignLicensesResponseSchema,
        request,
        principal,
        requestId,
        problems,
        prefetch,
        authorizeAt: 'unassign' as const,
      };
      return runMutation(deps, spec, async (ctx) => {
        const { removed, removedFromQueueIds, decision } = await unassignLicenses(ctx, {
          userId: request.userId,
          productIds: request.productIds,
          notifyUser: request.notifyUser,
          removeFromAllQueues: request.removeFromAllQueues,
        });
        return create(UnassignLicensesResponseSchema, {
          results: removed.map((a) => ({ productId: a.productId, assignment: toAssignment(a) })),
          decision: decisionSummary(decision, request.validateOnly),
          removedFromQueueIds,
        });
      });
    },

    async updateFeatures(request, { principal, requestId }) {
      const problems = new RequestProblems().id('user_id', request.userId, 'usr').slug('product_id', request.productId);
      if (Object.keys(request.features).length === 0) problems.add('features', 'name at least one feature to change');
      const prefetch = { userId: request.userId };
      const spec = {
        method: 'UpdateFeatures',
        requestSchema: UpdateFeaturesRequestSchema,
        responseSchema: UpdateFeaturesResponseSchema,
        request,
        principal,
        requestId,
        problems,
        prefetch,
        authorizeAt: 'set_features' as const,
      };
      return runMutation(deps, spec, async (ctx) => {
        const { assignment, decision } = await updateFeatures(ctx, {
          userId: request.userId,
          productId: request.productId,
          features: request.features,
        });
        return create(UpdateFeaturesResponseSchema, {
          assignment: toAssignment(assignment),
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },
  };
}
