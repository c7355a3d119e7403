import type { AssignmentRecord, UserRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { auditEntry } from '../domain/audit.js';
import { mergeDecisions } from '../domain/decision-outcome.js';
import { decideUserChange, refuseForOwner } from './manage-user.js';
import { leaveEveryQueue } from './remove-from-all-queues.js';
import { unassignLicenses } from './unassign-licenses.js';
import { originOfCall, record, requireActive, requireUser, type UseCaseContext } from './use-case-context.js';

/**
 * DeactivateUser: in one transaction every license goes as UnassignLicenses would take it (so a
 * GoTo Connect removal keeps the phone configuration for its window), the user leaves every queue
 * (Contact Center billing stops) and can no longer sign in. The deactivation authorizes the queue
 * removal: who may manage users may take them out of queues on the way out.
 */
export async function deactivateUser(
  ctx: UseCaseContext,
  command: { userId: string },
): Promise<{ user: UserRecord; removed: AssignmentRecord[]; queueIds: string[]; decision: Decision }> {
  // What this caller may do to this user comes first; then what state the user is in.
  const user = await requireUser(ctx, command.userId);
  const decisions = [await decideUserChange(ctx, user, 'deactivate')];
  requireActive(user);
  refuseForOwner(ctx, user, 'deactivated');
  const held = await ctx.tx.assignmentsOfUser(user.id);
  let removed: AssignmentRecord[] = [];
  let queueIds: string[];
  if (held.length > 0) {
    const unassigned = await unassignLicenses(ctx, {
      userId: user.id,
      productIds: held.map((a) => a.productId),
      notifyUser: false,
      removeFromAllQueues: true,
      queuesAuthorized: true,
    });
    removed = unassigned.removed;
    queueIds = unassigned.removedFromQueueIds;
    decisions.push(unassigned.decision);
  } else {
    const left = await leaveEveryQueue(ctx, user, { authorized: true });
    queueIds = left.queueIds;
    decisions.push(left.decision);
  }
  await ctx.tx.updateUser(user.id, { deactivatedAt: ctx.now });
  await record(
    ctx,
    [
      auditEntry(
        originOfCall(ctx),
        'user.deactivated',
        { type: 'user', id: user.id },
        { state: 'active' },
        { state: 'deactivated' },
      ),
    ],
    [],
  );
  return { user: { ...user, deactivatedAt: ctx.now }, removed, queueIds, decision: mergeDecisions(decisions) };
}
