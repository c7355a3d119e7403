import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AddQueueMemberRequestSchema,
  AddQueueMemberResponseSchema,
  CreateQueueRequestSchema,
  CreateQueueResponseSchema,
  QueueKind,
  QueueRole,
  QueueSchema,
  RemoveQueueMemberRequestSchema,
  RemoveQueueMemberResponseSchema,
  RemoveUserFromAllQueuesRequestSchema,
  RemoveUserFromAllQueuesResponseSchema,
  type LicensingService,
  type Queue,
} from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { ServiceHandlers } from '@acme/grpc';
import type { MembershipRecord, QueueRecord } from '@acme/licensing-data-access';
import { resolveAccountId } from '../account-scope.js';
import { addQueueMember, createQueue, removeQueueMember, type QueueMembers } from '../use-cases/queue-membership.js';
import { removeFromAllQueues } from '../use-cases/remove-from-all-queues.js';
import { createdId, decisionSummary } from './mappers.js';
import { runMutation, type MutationDeps } from './mutation-frame.js';
import { RequestProblems } from './validation.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;
type Kind = QueueRecord['kind'];

const KIND: Record<number, Kind> = {
  [QueueKind.CALL]: 'call',
  [QueueKind.INBOUND]: 'inbound',
  [QueueKind.OUTBOUND]: 'outbound',
};
const KIND_ENUM: Record<Kind, QueueKind> = {
  call: QueueKind.CALL,
  inbound: QueueKind.INBOUND,
  outbound: QueueKind.OUTBOUND,
};
const ROLE: Record<number, MembershipRecord['role']> = {
  [QueueRole.AGENT]: 'agent',
  [QueueRole.SUPERVISOR]: 'supervisor',
};

const toQueue = (q: QueueRecord, members: MembershipRecord[]): Queue =>
  create(QueueSchema, {
    id: q.id,
    accountId: q.accountId,
    kind: KIND_ENUM[q.kind],
    name: q.name,
    createTime: timestampFromDate(q.createdAt),
    members: members.map((m) => ({
      userId: m.userId,
      role: m.role === 'agent' ? QueueRole.AGENT : QueueRole.SUPERVISOR,
    })),
  });

/** Contact-center queues: creation, membership as agent or supervisor, and removal everywhere at once. */
export function createQueueHandlers(
  deps: MutationDeps,
): Pick<Handlers, 'createQueue' | 'listQueues' | 'addQueueMember' | 'removeQueueMember' | 'removeUserFromAllQueues'> {
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
