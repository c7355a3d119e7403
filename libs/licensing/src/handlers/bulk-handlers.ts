import { create, type MessageInitShape } from '@bufbuild/protobuf';
import {
  BulkAssignLicensesRequestSchema,
  BulkAssignLicensesResponseSchema,
  BulkMode,
  BulkUnassignLicensesRequestSchema,
  BulkUnassignLicensesResponseSchema,
  BulkUserOutcomeSchema,
  type LicensingService,
} from '@acme/contracts';
import type { Principal } from '@acme/auth';
import { toStatus, type ServiceHandlers } from '@acme/grpc';
import { mergeDecisions } from '../domain/decision-outcome.js';
import {
  bulkAssignLicenses,
  bulkUnassignLicenses,
  MAX_BULK_USERS,
  type BulkOutcome,
} from '../use-cases/bulk-change-licenses.js';
import { checkProductList } from './assignment-handlers.js';
import { createdId, decisionSummary, toAssignment } from './mappers.js';
import { runMutation, type MutationDeps } from './mutation-frame.js';
import { RequestProblems } from './validation.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;

/** BulkAssignLicenses and BulkUnassignLicenses: many users, one transaction, one request id. */
export function createBulkHandlers(deps: MutationDeps): Pick<Handlers, 'bulkAssignLicenses' | 'bulkUnassignLicenses'> {
  return {
    async bulkAssignLicenses(request, { principal, requestId }) {
      const problems = checkUsersAndMode(request.userIds, request.mode);
      checkProductList(
        problems,
        'products',
        request.products.map((p) => p.productId),
      );
      const spec = {
        method: 'BulkAssignLicenses',
        requestSchema: BulkAssignLicensesRequestSchema,
        responseSchema: BulkAssignLicensesResponseSchema,
        request,
        principal,
        requestId,
        problems,
        authorizeAt: 'assign' as const,
      };
      return runMutation(deps, spec, async (ctx) => {
        const outcomes = await bulkAssignLicenses(ctx, {
          userIds: request.userIds,
          products: request.products,
          notifyUsers: request.notifyUsers,
          mode: modeOf(request.mode),
        });
        return create(BulkAssignLicensesResponseSchema, answer(outcomes, request.validateOnly, requestId));
      });
    },

    async bulkUnassignLicenses(request, { principal, requestId }) {
      const problems = checkUsersAndMode(request.userIds, request.mode);
      checkProductList(problems, 'product_ids', request.productIds);
      const spec = {
        method: 'BulkUnassignLicenses',
        requestSchema: BulkUnassignLicensesRequestSchema,
        responseSchema: BulkUnassignLicensesResponseSchema,
        request,
        principal,
        requestId,
        problems,
        authorizeAt: 'unassign' as const,
      };
      return runMutation(deps, spec, async (ctx) => {
        const outcomes = await bulkUnassignLicenses(ctx, {
          userIds: request.userIds,
          productIds: request.productIds,
          notifyUsers: request.notifyUsers,
          mode: modeOf(request.mode),
        });
        return create(BulkUnassignLicensesResponseSchema, answer(outcomes, request.validateOnly, requestId));
      });
    },
  };
}

const modeOf = (mode: BulkMode) => (mode === BulkMode.BEST_EFFORT ? 'best_effort' : 'all_or_nothing');

/** One to MAX_BULK_USERS well-formed user ids, each named once, and a known mode. */
function checkUsersAndMode(userIds: string[], mode: BulkMode): RequestProblems {
  const problems = new RequestProblems().idList('user_ids', userIds, 'usr', 'user', MAX_BULK_USERS);
  if (!Object.values(BulkMode).includes(mode)) problems.add('mode', 'unknown mode');
  return problems;
}

function answer(outcomes: BulkOutcome[], validateOnly: boolean, requestId: string) {
  const applied = outcomes.flatMap((o) => ('decision' in o ? [o.decision] : []));
  return {
    outcomes: outcomes.map((o): MessageInitShape<typeof BulkUserOutcomeSchema> =>
      'refusal' in o
        ? { userId: o.userId, applied: false, error: toStatus(o.refusal, requestId) }
        : {
            userId: o.userId,
            applied: true,
            results: o.changed.map((a) => ({
              productId: a.productId,
              assignment: createdId(toAssignment(a), validateOnly),
            })),
          },
    ),
    appliedCount: applied.length,
    ...(applied.length > 0 ? { decision: decisionSummary(mergeDecisions(applied), validateOnly) } : {}),
  };
}
