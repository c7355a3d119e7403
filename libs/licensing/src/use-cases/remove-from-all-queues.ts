import type { Decision } from '@acme/rules';
import { auditEntry } from '../domain/audit.js';
import { billingEvents, decideMembership } from './queue-membership.js';
import { originOfCall, record, requireUser, type UseCaseContext } from './use-case-context.js';

/**
 * RemoveUserFromAllQueues: the articles' six manual steps per queue kind in one operation; the
 * user leaves every call, inbound and outbound queue, and Contact Center billing stops.
 */
export async function removeFromAllQueues(
  ctx: UseCaseContext,
  command: { userId: string },
): Promise<{ queueIds: string[]; decision: Decision }> {
  const { tx, account } = ctx;
  const user = await requireUser(ctx, command.userId);
  const memberships = await tx.membershipsOfUser(account.id, user.id);
  const decision = await decideMembership(ctx, {
    change: 'remove_all',
    queueKind: '',
    role: '',
    userId: user.id,
    before: memberships.length,
    after: 0,
  });
  await tx.deleteMemberships(account.id, user.id);
  const origin = originOfCall(ctx);
  await record(
    ctx,
    memberships.map((m) =>
      auditEntry(
        origin,
        'queue.member_removed',
        { type: 'queue', id: m.queueId },
        { userId: user.id, role: m.role },
        null,
      ),
    ),
    await billingEvents(ctx, decision, ''),
  );
  return { queueIds: memberships.map((m) => m.queueId), decision };
}
