import { create } from '@bufbuild/protobuf';
import {
  GetAssignmentResponseSchema,
  TransferLicenseRequestSchema,
  TransferLicenseResponseSchema,
  type LicensingService,
} from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { ServiceHandlers } from '@acme/grpc';
import { AppError } from '@acme/util';
import { resolveAccountId } from '../account-scope.js';
import type { LicensingStore } from '../store.js';
import { transferLicense } from '../use-cases/transfer-license.js';
import { createdId, decisionSummary, toAssignment } from './mappers.js';
import { runMutation, type MutationDeps } from './mutation-frame.js';
import { RequestProblems } from './validation.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;

/** GetAssignment and TransferLicense: one assignment read, and one moved to another user. */
export function createTransferHandlers(
  deps: MutationDeps,
  store: LicensingStore,
): Pick<Handlers, 'getAssignment' | 'transferLicense'> {
  return {
    async getAssignment(request, { principal }) {
      const accountId = resolveAccountId(principal, request.accountId);
      new RequestProblems().id('assignment_id', request.assignmentId, 'asg').throwIfAny();
      const assignment = await store.assignments.get(accountId, request.assignmentId);
      if (!assignment) throw AppError.notFound('assignment', request.assignmentId);
      return create(GetAssignmentResponseSchema, { assignment: toAssignment(assignment) });
    },

    async transferLicense(request, { principal, requestId }) {
      const problems = new RequestProblems()
        .id('from_user_id', request.fromUserId, 'usr')
        .id('to_user_id', request.toUserId, 'usr')
        .slug('product_id', request.productId);
      const spec = {
        method: 'TransferLicense',
        requestSchema: TransferLicenseRequestSchema,
        responseSchema: TransferLicenseResponseSchema,
        request,
        principal,
        requestId,
        problems,
        prefetch: { userId: request.fromUserId, productIds: [request.productId] },
        authorizeAt: 'assign' as const,
      };
      return runMutation(deps, spec, async (ctx) => {
        const { removed, created, decision } = await transferLicense(ctx, {
          fromUserId: request.fromUserId,
          toUserId: request.toUserId,
          productId: request.productId,
          notifyUsers: request.notifyUsers,
        });
        return create(TransferLicenseResponseSchema, {
          removed: toAssignment(removed),
          assignment: createdId(toAssignment(created), request.validateOnly),
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },
  };
}
