import { create } from '@bufbuild/protobuf';
import {
  AddQueueMemberRequestSchema,
  AddQueueMemberResponseSchema,
  CreateQueueRequestSchema,
  CreateQueueResponseSchema,
  DeleteQueueRequestSchema,
  DeleteQueueResponseSchema,
  GetQueueResponseSchema,
  QueueKind,
  RemoveQueueMemberRequestSchema,
  RemoveQueueMemberResponseSchema,
  RemoveUserFromAllQueuesRequestSchema,
  RemoveUserFromAllQueuesResponseSchema,
  RenameQueueRequestSchema,
  RenameQueueResponseSchema,
  type LicensingService,
} from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { ServiceHandlers } from '@acme/grpc';
import { AppError } from '@acme/util';
import { resolveAccountId } from '../account-scope.js';
import { addQueueMember } from '../use-cases/add-queue-member.js';
import { createQueue } from '../use-cases/create-queue.js';
import { deleteQueue } from '../use-cases/delete-queue.js';
import type { QueueMembers } from '../use-cases/queue-decisions.js';
import { removeFromAllQueues } from '../use-cases/remove-from-all-queues.js';
import { removeQueueMember } from '../use-cases/remove-queue-member.js';
import { renameQueue } from '../use-cases/rename-queue.js';
import { createdId, decisionSummary } from './mappers.js';
import { KIND, ROLE, toQueue } from './queue-mappers.js';
import { runMutation, type MutationDeps } from './mutation-frame.js';
import { RequestProblems } from './validation.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;
type QueueHandlers = Pick<
  Handlers,
  | 'createQueue'
  | 'listQueues'
  | 'getQueue'
  | 'renameQueue'
  | 'deleteQueue'
  | 'addQueueMember'
  | 'removeQueueMember'
  | 'removeUserFromAllQueues'
>;

/** Contact-center queues: their life (create, read, rename, delete), membership as agent or supervisor, removal everywhere at once. */
export function createQueueHandlers(deps: MutationDeps): QueueHandlers {
  const membersAnswer = (result: QueueMembers, validateOnly: boolean) => ({
    queue: toQueue(result.queue, result.members),
    decision: decisionSummary(result.decision, validateOnly),
  });
  return {
    async createQueue(request, { principal, requestId }) {
      const problems = new RequestProblems();
      const kind = KIND[request.kind];
      if (!kind) problems.add('kind', 'must be QUEUE_KIND_CALL, QUEUE_KIND_INBOUND or QUEUE_KIND_OUTBOUND');
      problems.text('name', request.name, 'name');
      const spec = {
        method: 'CreateQueue',
        requestSchema: CreateQueueRequestSchema,
        responseSchema: CreateQueueResponseSchema,
        request,
        principal,
        requestId,
        problems,
        authorizeAt: 'queue_membership' as const,
      };
      return runMutation(deps, spec, async (ctx) => {
        const { queue, decision } = await createQueue(ctx, { kind: kind!, name: request.name.trim() });
        return create(CreateQueueResponseSchema, {
          queue: createdId(toQueue(queue, []), request.validateOnly),
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },

    async listQueues(request, { principal }) {
      const problems = new RequestProblems();
      if (request.memberUserId) problems.id('member_user_id', request.memberUserId, 'usr');
      if (request.kind !== QueueKind.UNSPECIFIED && !KIND[request.kind]) problems.add('kind', 'unknown queue kind');
      problems.throwIfAny();
      const accountId = resolveAccountId(principal, request.accountId);
      const kind = KIND[request.kind];
      const queues = await deps.db.queues.list(accountId, {
        ...(kind ? { kind } : {}),
        ...(request.memberUserId ? { memberUserId: request.memberUserId } : {}),
      });
      return { queues: queues.map((q) => toQueue(q, q.members)) };
    },

    async getQueue(request, { principal }) {
      const accountId = resolveAccountId(principal, request.accountId);
      new RequestProblems().id('queue_id', request.queueId, 'q').throwIfAny();
      const queue = await deps.db.queues.get(accountId, request.queueId);
      if (!queue) throw AppError.notFound('queue', request.queueId);
      return create(GetQueueResponseSchema, { queue: toQueue(queue, queue.members) });
    },

    async renameQueue(request, { principal, requestId }) {
      const problems = new RequestProblems().id('queue_id', request.queueId, 'q');
      problems.text('name', request.name, 'name');
      const spec = {
        method: 'RenameQueue',
        requestSchema: RenameQueueRequestSchema,
        responseSchema: RenameQueueResponseSchema,
        request,
        principal,
        requestId,
        problems,
        authorizeAt: 'queue_membership' as const,
      };
      return runMutation(deps, spec, async (ctx) =>
        create(
          RenameQueueResponseSchema,
          membersAnswer(
            await renameQueue(ctx, { queueId: request.queueId, name: request.name.trim() }),
            request.validateOnly,
          ),
        ),
      );
    },

    async deleteQueue(request, { principal, requestId }) {
      const problems = new RequestProblems().id('queue_id', request.queueId, 'q');
      const spec = {
        method: 'DeleteQueue',
        requestSchema: DeleteQueueRequestSchema,
        responseSchema: DeleteQueueResponseSchema,
        request,
        principal,
        requestId,
        problems,
        authorizeAt: 'queue_membership' as const,
      };
      return runMutation(deps, spec, async (ctx) =>
        create(
          DeleteQueueResponseSchema,
          membersAnswer(await deleteQueue(ctx, { queueId: request.queueId }), request.validateOnly),
        ),
      );
    },

    async addQueueMember(request, { principal, requestId }) {
      const problems = new RequestProblems().id('queue_id', request.queueId, 'q').id('user_id', request.userId, 'usr');
      const role = ROLE[request.role];
      if (!role) problems.add('role', 'must be QUEUE_ROLE_AGENT or QUEUE_ROLE_SUPERVISOR');
      const spec = {
        method: 'AddQueueMember',
        requestSchema: AddQueueMemberRequestSchema,
        responseSchema: AddQueueMemberResponseSchema,
        request,
        principal,
        requestId,
        problems,
        prefetch: { userId: request.userId },
        authorizeAt: 'queue_membership' as const,
      };
      return runMutation(deps, spec, async (ctx) =>
        create(
          AddQueueMemberResponseSchema,
          membersAnswer(
            await addQueueMember(ctx, { queueId: request.queueId, userId: request.userId, role: role! }),
            request.validateOnly,
          ),
        ),
      );
    },

    async removeQueueMember(request, { principal, requestId }) {
      const problems = new RequestProblems().id('queue_id', request.queueId, 'q').id('user_id', request.userId, 'usr');
      const spec = {
        method: 'RemoveQueueMember',
        requestSchema: RemoveQueueMemberRequestSchema,
        responseSchema: RemoveQueueMemberResponseSchema,
        request,
        principal,
        requestId,
        problems,
        prefetch: { userId: request.userId },
        authorizeAt: 'queue_membership' as const,
      };
      return runMutation(deps, spec, async (ctx) =>
        create(
          RemoveQueueMemberResponseSchema,
          membersAnswer(
            await removeQueueMember(ctx, { queueId: request.queueId, userId: request.userId }),
            request.validateOnly,
          ),
        ),
      );
    },

    async removeUserFromAllQueues(request, { principal, requestId }) {
      const problems = new RequestProblems().id('user_id', request.userId, 'usr');
      const spec = {
        method: 'RemoveUserFromAllQueues',
        requestSchema: RemoveUserFromAllQueuesRequestSchema,
        responseSchema: RemoveUserFromAllQueuesResponseSchema,
        request,
        principal,
        requestId,
        problems,
        prefetch: { userId: request.userId },
        authorizeAt: 'queue_membership' as const,
      };
      return runMutation(deps, spec, async (ctx) => {
        const { queueIds, decision } = await removeFromAllQueues(ctx, { userId: request.userId });
        return create(RemoveUserFromAllQueuesResponseSchema, {
          queueIds,
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },
  };
}
