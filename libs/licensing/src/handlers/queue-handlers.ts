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
import type { AccountRecord, LicensingTx, MembershipRecord, QueueRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { AppError } from '@acme/util';
import { resolveAccountId } from '../account-scope.js';
import { actorFacts } from '../mutations/actor-facts.js';
import { decisionError, decisionSummary } from '../mutations/decision-outcome.js';
import { userFacts } from '../mutations/grant-products.js';
import { outboxEvents, type PayloadInit } from '../mutations/outbox-events.js';
import { runMutation, type MutationDeps } from '../mutations/run-mutation.js';
import { loadUser } from './assignment-handlers.js';
import { RequestProblems } from './validation.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;
type Kind = QueueRecord['kind'];

const KIND: Record<number, Kind> = { [QueueKind.CALL]: 'call', [QueueKind.INBOUND]: 'inbound', [QueueKind.OUTBOUND]: 'outbound' };
const KIND_ENUM: Record<Kind, QueueKind> = { call: QueueKind.CALL, inbound: QueueKind.INBOUND, outbound: QueueKind.OUTBOUND };
const ROLE: Record<number, MembershipRecord['role']> = { [QueueRole.AGENT]: 'agent', [QueueRole.SUPERVISOR]: 'supervisor' };

const toQueue = (q: QueueRecord, members: MembershipRecord[]): Queue =>
  create(QueueSchema, {
    id: q.id, accountId: q.accountId, kind: KIND_ENUM[q.kind], name: q.name, createTime: timestampFromDate(q.createdAt),
    members: members.map((m) => ({ userId: m.userId, role: m.role === 'agent' ? QueueRole.AGENT : QueueRole.SUPERVISOR })),
  });

interface MembershipChange {
  change: 'add' | 'remove' | 'remove_all' | 'create_queue';
  queueKind: Kind | '';
  role: MembershipRecord['role'] | '';
  userId: string;
  before: number;
  after: number;
}

async function decideMembership(deps: MutationDeps, principal: Principal, account: AccountRecord, c: MembershipChange): Promise<Decision> {
  const decision = await deps.rules().decide('queue_membership', {
    ...actorFacts(principal, account),
    request: { change: c.change, queueKind: c.queueKind, role: c.role },
    user: userFacts({ id: c.userId }, [], { before: c.before, after: c.after }),
  }, { authorized: true });
  if (!decision.allowed) throw decisionError(decision, account.id);
  return decision;
}

/** Contact Center billing events the decision asks for (first queue starts, last queue stops). */
async function billingPayloads(tx: LicensingTx, accountId: string, decision: Decision, queueId: string, now: Date): Promise<PayloadInit[]> {
  const payloads: PayloadInit[] = [];
  for (const effect of decision.effects) {
    if (effect.type === 'billing_start') {
      const productId = effect.productId ?? '';
      const [product] = await tx.products([productId]);
      const [rate] = await tx.subscriptions(accountId, [productId]);
      payloads.push({
        case: 'contactCenterBillingStarted',
        value: { userId: effect.userId ?? '', queueId, productId, effectiveTime: timestampFromDate(now), price: { unitPrice: { currencyCode: rate?.currency ?? product?.currency ?? 'USD', amountMinor: BigInt(rate?.unitPriceMinor ?? product?.unitPriceMinor ?? 0) }, billingPeriod: product?.billingPeriod ?? 'month' } },
      });
    }
    if (effect.type === 'billing_stop') payloads.push({ case: 'contactCenterBillingStopped', value: { userId: effect.userId ?? '', productId: effect.productId ?? '', effectiveTime: timestampFromDate(now) } });
  }
  return payloads;
}

/** Contact-center queues: creation, membership as agent or supervisor, and removal everywhere at once. */
export function createQueueHandlers(deps: MutationDeps): Pick<Handlers, 'createQueue' | 'listQueues' | 'addQueueMember' | 'removeQueueMember' | 'removeUserFromAllQueues'> {
  const membershipFrame = async (tx: LicensingTx, accountId: string, queueId: string, userId: string) => {
    const user = await loadUser(tx, accountId, userId);
    const queue = await tx.queue(accountId, queueId);
    if (!queue) throw AppError.notFound('queue', queueId);
    return { user, queue, memberships: await tx.membershipsOfUser(accountId, user.id) };
  };

  return {
    async createQueue(request, { principal, requestId }) {
      const problems = new RequestProblems();
      const kind = KIND[request.kind];
      if (!kind) problems.add('kind', 'must be QUEUE_KIND_CALL, QUEUE_KIND_INBOUND or QUEUE_KIND_OUTBOUND');
      const name = request.name.trim();
      problems.text('name', request.name, 'name');
      const spec = { method: 'CreateQueue', requestSchema: CreateQueueRequestSchema, responseSchema: CreateQueueResponseSchema, request, principal, problems, authorizeAt: 'queue_membership' as const };
      return runMutation(deps, spec, async (tx, accountId, now, account) => {
        const decision = await decideMembership(deps, principal, account, { change: 'create_queue', queueKind: kind!, role: '', userId: '', before: 0, after: 0 });
        if (await tx.queueByName(accountId, kind!, name)) throw new AppError('already_exists', `a ${kind} queue named "${name}" already exists`, { reason: 'ALREADY_EXISTS' });
        const queue = tx.insertQueue({ accountId, kind: kind!, name, createdAt: now });
        tx.appendAudit([{ accountId, actor: principal.subject, action: 'queue.created', resourceType: 'queue', resourceId: queue.id, before: null, after: { kind, name }, causationId: requestId, occurredAt: now }]);
        return create(CreateQueueResponseSchema, { queue: toQueue(queue, []), decision: decisionSummary(decision, request.validateOnly) });
      });
    },

    async listQueues(request, { principal }) {
      const problems = new RequestProblems();
      if (request.memberUserId) problems.id('member_user_id', request.memberUserId, 'usr');
      if (request.kind !== QueueKind.UNSPECIFIED && !KIND[request.kind]) problems.add('kind', 'unknown queue kind');
      problems.throwIfAny();
      const accountId = resolveAccountId(principal, request.accountId);
      const kind = KIND[request.kind];
      const queues = await deps.db.queues.list(accountId, { ...(kind ? { kind } : {}), ...(request.memberUserId ? { memberUserId: request.memberUserId } : {}) });
      return { queues: queues.map((q) => toQueue(q, q.members)) };
    },

    async addQueueMember(request, { principal, requestId }) {
      const problems = new RequestProblems().id('queue_id', request.queueId, 'q').id('user_id', request.userId, 'usr');
      const role = ROLE[request.role];
      if (!role) problems.add('role', 'must be QUEUE_ROLE_AGENT or QUEUE_ROLE_SUPERVISOR');
      const spec = { method: 'AddQueueMember', requestSchema: AddQueueMemberRequestSchema, responseSchema: AddQueueMemberResponseSchema, request, principal, problems, prefetch: { userId: request.userId }, authorizeAt: 'queue_membership' as const };
      return runMutation(deps, spec, async (tx, accountId, now, account) => {
        const { user, queue, memberships } = await membershipFrame(tx, accountId, request.queueId, request.userId);
        if (memberships.some((m) => m.queueId === queue.id)) throw new AppError('already_exists', `${user.id} is already in queue ${queue.id}`, { reason: 'ALREADY_EXISTS' });
        const decision = await decideMembership(deps, principal, account, { change: 'add', queueKind: queue.kind, role: role!, userId: user.id, before: memberships.length, after: memberships.length + 1 });
        await tx.insertMembership(accountId, { queueId: queue.id, userId: user.id, role: role! }, now);
        tx.appendAudit([{ accountId, actor: principal.subject, action: 'queue.member_added', resourceType: 'queue', resourceId: queue.id, before: null, after: { userId: user.id, role }, causationId: requestId, occurredAt: now }]);
        await tx.appendEvents(accountId, outboxEvents({ accountId, principal, causationId: requestId, occurredAt: now }, await billingPayloads(tx, accountId, decision, queue.id, now)));
        return create(AddQueueMemberResponseSchema, { queue: toQueue(queue, await tx.membersOfQueue(queue.id)), decision: decisionSummary(decision, request.validateOnly) });
      });
    },

    async removeQueueMember(request, { principal, requestId }) {
      const problems = new RequestProblems().id('queue_id', request.queueId, 'q').id('user_id', request.userId, 'usr');
      const spec = { method: 'RemoveQueueMember', requestSchema: RemoveQueueMemberRequestSchema, responseSchema: RemoveQueueMemberResponseSchema, request, principal, problems, prefetch: { userId: request.userId }, authorizeAt: 'queue_membership' as const };
      return runMutation(deps, spec, async (tx, accountId, now, account) => {
        const { user, queue, memberships } = await membershipFrame(tx, accountId, request.queueId, request.userId);
        const membership = memberships.find((m) => m.queueId === queue.id);
        if (!membership) throw AppError.invalidArgument([{ field: 'user_id', description: `${user.id} is not in queue ${queue.id}` }]);
        const decision = await decideMembership(deps, principal, account, { change: 'remove', queueKind: queue.kind, role: membership.role, userId: user.id, before: memberships.length, after: memberships.length - 1 });
        await tx.deleteMemberships(accountId, user.id, queue.id);
        tx.appendAudit([{ accountId, actor: principal.subject, action: 'queue.member_removed', resourceType: 'queue', resourceId: queue.id, before: { userId: user.id, role: membership.role }, after: null, causationId: requestId, occurredAt: now }]);
        await tx.appendEvents(accountId, outboxEvents({ accountId, principal, causationId: requestId, occurredAt: now }, await billingPayloads(tx, accountId, decision, queue.id, now)));
        return create(RemoveQueueMemberResponseSchema, { queue: toQueue(queue, await tx.membersOfQueue(queue.id)), decision: decisionSummary(decision, request.validateOnly) });
      });
    },

    async removeUserFromAllQueues(request, { principal, requestId }) {
      const problems = new RequestProblems().id('user_id', request.userId, 'usr');
      const spec = { method: 'RemoveUserFromAllQueues', requestSchema: RemoveUserFromAllQueuesRequestSchema, responseSchema: RemoveUserFromAllQueuesResponseSchema, request, principal, problems, prefetch: { userId: request.userId }, authorizeAt: 'queue_membership' as const };
      return runMutation(deps, spec, async (tx, accountId, now, account) => {
        const user = await loadUser(tx, accountId, request.userId);
        const memberships = await tx.membershipsOfUser(accountId, user.id);
        const decision = await decideMembership(deps, principal, account, { change: 'remove_all', queueKind: '', role: '', userId: user.id, before: memberships.length, after: 0 });
        await tx.deleteMemberships(accountId, user.id);
        tx.appendAudit(memberships.map((m) => ({ accountId, actor: principal.subject, action: 'queue.member_removed', resourceType: 'queue', resourceId: m.queueId, before: { userId: user.id, role: m.role }, after: null, causationId: requestId, occurredAt: now })));
        await tx.appendEvents(accountId, outboxEvents({ accountId, principal, causationId: requestId, occurredAt: now }, await billingPayloads(tx, accountId, decision, '', now)));
        return create(RemoveUserFromAllQueuesResponseSchema, { queueIds: memberships.map((m) => m.queueId), decision: decisionSummary(decision, request.validateOnly) });
      });
    },
  };
}
