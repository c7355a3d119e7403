import { AppError } from '@acme/util';
import { applyBillingEffects, decideMembership, memberRemovedAudit, type QueueMembers } from './queue-decisions.js';
import { originOfCall, record, requireQueue, requireUser, type UseCaseContext } from './use-case-context.js';

/** RemoveQueueMember: a user leaves one queue; leaving their last queue stops Contact Center billing. */
export async function removeQueueMember(
  ctx: UseCaseContext,
  command: { queueId: string; userId: string },
): Promise<QueueMembers> {
  const { tx, account } = ctx;
  const user = await requireUser(ctx, command.userId);
  const queue = await requireQueue(ctx, command.queueId);
  const memberships = await tx.membershipsOfUser(account.id, user.id);
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
    [memberRemovedAudit(originOfCall(ctx), membership)],
    await applyBillingEffects(ctx, decision, queue.id),
  );
  return { queue, members: await tx.membersOfQueue(queue.id), decision };
}
