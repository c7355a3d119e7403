import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { MembershipRecord, QueueRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { AppError } from '@acme/util';
import { auditEntry } from '../domain/audit.js';
import type { EventPayload } from '../domain/events.js';
import { actorFacts, userFacts } from '../domain/facts.js';
import { offeredRates } from '../domain/offering.js';
import { priceOf } from '../domain/price.js';
import { decide, originOfCall, record, requireUser, type UseCaseContext } from './use-case-context.js';

/** A change of contact-center queue membership, as the queue_membership rules see it. */
export interface MembershipChange {
  change: 'add' | 'remove' | 'remove_all' | 'create_queue';
  queueKind: QueueRecord['kind'] | '';
  role: MembershipRecord['role'] | '';
  userId: string;
  /** The user's queue memberships before and after the change. */
  before: number;
  after: number;
}

/** The queue_membership decision: who may manage queues, and when Contact Center billing starts or stops. */
export function decideMembership(ctx: UseCaseContext, c: MembershipChange): Promise<Decision> {
  return decide(ctx, 'queue_membership', {
    ...actorFacts(ctx.principal, ctx.account),
    request: { change: c.change, queueKind: c.queueKind, role: c.role },
    user: userFacts({ id: c.userId }, [], { before: c.before, after: c.after }),
  });
}

/** The Contact Center billing events a membership decision asks for: the first queue starts billing, the last stops it. */
export async function billingEvents(ctx: UseCaseContext, decision: Decision, queueId: string): Promise<EventPayload[]> {
  const events: EventPayload[] = [];
  for (const effect of decision.effects) {
    if (effect.type === 'billing_start') {
      const productId = effect.productId ?? '';
      const [product] = await ctx.tx.products([productId]);
      if (!product)
        throw new Error(`rule ${effect.ruleId} starts billing for ${productId}, which is no product of the catalog`);
      // The account's rate: its subscription's, else its offering's. An account not offered the
      // product (a Zendesk-style account has no Contact Center) is refused: NOT_OFFERED.
      const [subscription] = await ctx.tx.subscriptions(ctx.account.id, [productId]);
      const rate = subscription ?? (await offeredRates(ctx.tx, ctx.account, [product])).get(productId);
      events.push({
        case: 'contactCenterBillingStarted',
        value: {
          userId: effect.userId ?? '',
          queueId,
          productId,
          effectiveTime: timestampFromDate(ctx.now),
          price: priceOf(product, rate),
        },
      });
    }
    if (effect.type === 'billing_stop') {
      events.push({
        case: 'contactCenterBillingStopped',
        value: {
          userId: effect.userId ?? '',
          productId: effect.productId ?? '',
          effectiveTime: timestampFromDate(ctx.now),
        },
      });
    }
  }
  return events;
}

/** CreateQueue: a call, inbound or outbound queue of the account, named uniquely per kind. */
export async function createQueue(
  ctx: UseCaseContext,
  command: { kind: QueueRecord['kind']; name: string },
): Promise<{ queue: QueueRecord; decision: Decision }> {
  const { tx, account, now } = ctx;
  const decision = await decideMembership(ctx, {
    change: 'create_queue',
    queueKind: command.kind,
    role: '',
    userId: '',
    before: 0,
    after: 0,
  });
  if (await tx.queueByName(account.id, command.kind, command.name)) {
    throw new AppError('already_exists', `a ${command.kind} queue named "${command.name}" already exists`, {
      reason: 'ALREADY_EXISTS',
    });
  }
  const queue = tx.insertQueue({ accountId: account.id, kind: command.kind, name: command.name, createdAt: now });
  await record(
    ctx,
    [
      auditEntry(originOfCall(ctx), 'queue.created', { type: 'queue', id: queue.id }, null, {
        kind: command.kind,
        name: command.name,
      }),
    ],
    [],
  );
  return { queue, decision };
}

async function membershipOf(ctx: UseCaseContext, queueId: string, userId: string) {
  const user = await requireUser(ctx, userId);
  const queue = await ctx.tx.queue(ctx.account.id, queueId);
  if (!queue) throw AppError.notFound('queue', queueId);
  return { user, queue, memberships: await ctx.tx.membershipsOfUser(ctx.account.id, user.id) };
}

export interface QueueMembers {
  queue: QueueRecord;
  members: MembershipRecord[];
  decision: Decision;
}

/** AddQueueMember: a user joins a queue as agent or supervisor; their first queue starts Contact Center billing. */
export async function addQueueMember(
  ctx: UseCaseContext,
  command: { queueId: string; userId: string; role: MembershipRecord['role'] },
): Promise<QueueMembers> {
  const { tx, account, now } = ctx;
  const { user, queue, memberships } = await membershipOf(ctx, command.queueId, command.userId);
  if (memberships.some((m) => m.queueId === queue.id))
    throw new AppError('already_exists', `${user.id} is already in queue ${queue.id}`, { reason: 'ALREADY_EXISTS' });
  const decision = await decideMembership(ctx, {
    change: 'add',
    queueKind: queue.kind,
    role: command.role,
    userId: user.id,
    before: memberships.length,
    after: memberships.length + 1,
  });
  await tx.insertMembership(account.id, { queueId: queue.id, userId: user.id, role: command.role }, now);
  await record(
    ctx,
    [
      auditEntry(originOfCall(ctx), 'queue.member_added', { type: 'queue', id: queue.id }, null, {
        userId: user.id,
        role: command.role,
      }),
    ],
    await billingEvents(ctx, decision, queue.id),
  );
  return { queue, members: await tx.membersOfQueue(queue.id), decision };
}

/** RemoveQueueMember: a user leaves one queue; leaving their last queue stops Contact Center billing. */
export async function removeQueueMember(
  ctx: UseCaseContext,
  command: { queueId: string; userId: string },
): Promise<QueueMembers> {
  const { tx, account } = ctx;
  const { user, queue, memberships } = await membershipOf(ctx, command.queueId, command.userId);
  const membership = memberships.find((m) => m.queueId === queue.id);
  if (!membership)
    throw AppError.invalidArgument([{ field: 'user_id', description: `${user.id} is not in queue ${queue.id}` }]);
  const decision = await decideMembership(ctx, {
    change: 'remove',
    queueKind: queue.kind,
    role: membership.role,
    userId: user.id,
    before: memberships.length,
    after: memberships.length - 1,
  });
  await tx.deleteMemberships(account.id, user.id, queue.id);
  await record(
    ctx,
    [
      auditEntry(
        originOfCall(ctx),
        'queue.member_removed',
        { type: 'queue', id: queue.id },
        { userId: user.id, role: membership.role },
        null,
      ),
    ],
    await billingEvents(ctx, decision, queue.id),
  );
  return { queue, members: await tx.membersOfQueue(queue.id), decision };
}
