import type { MembershipRecord } from '@acme/licensing-data-access';
import { AppError } from '@acme/util';
import { auditEntry } from '../domain/audit.js';
import { applyBillingEffects, decideMembership, type QueueMembers } from './queue-decisions.js';
import { originOfCall, record, requireQueue, requireActiveUser, type UseCaseContext } from './use-case-context.js';

/**
 * AddQueueMember: a user joins a queue as agent or supervisor (the rules ask for a Contact Center
 * license); their first queue starts Contact Center billing.
 */
export async function addQueueMember(
  ctx: UseCaseContext,
  command: { queueId: string; userId: string; role: MembershipRecord['role'] },
): Promise<QueueMembers> {
  const { tx, account, now } = ctx;
  const user = await requireActiveUser(ctx, command.userId);
  const queue = await requireQueue(ctx, command.queueId);
  const memberships = await tx.membershipsOfUser(account.id, user.id);
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
    await applyBillingEffects(ctx, decision, queue.id),
  );
  return { queue, members: await tx.membersOfQueue(queue.id), decision };
}
