import type { UserRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import type { EventPayload } from '../domain/events.js';
import { applyBillingEffects, decideMembership, memberRemovedAudit } from './queue-decisions.js';
import { originOfCall, record, requireUser, type UseCaseContext } from './use-case-context.js';

/**
 * RemoveUserFromAllQueues: the articles' six manual steps per queue kind in one operation; the
 * user leaves every call, inbound and outbound queue, and Contact Center billing stops.
 */
export async function removeFromAllQueues(
  ctx: UseCaseContext,
  command: { userId: string },
): Promise<{ queueIds: string[]; decision: Decision }> {
  const user = await requireUser(ctx, command.userId);
  return leaveEveryQueue(ctx, user, { authorized: true });
}

/**
 * The user leaves every queue: decided at queue_membership (who may act asked too unless the
 * caller was authorized there), audited per queue, and billing stops as the rules say. Also used
 * by UnassignLicenses with remove_from_all_queues, in the same transaction.
 */
export async function leaveEveryQueue(
  ctx: UseCaseContext,
  user: Pick<UserRecord, 'id'>,
  options: { authorized: boolean },
): Promise<{ queueIds: string[]; decision: Decision }> {
  const { tx, account } = ctx;
  const memberships = await tx.membershipsOfUser(account.id, user.id);
  const decision = await decideMembership(
    ctx,
    { change: 'remove_all', queueKind: '', role: '', userId: user.id, before: memberships.length, after: 0 },
    options,
  );
  await tx.deleteMemberships(account.id, user.id);
  const origin = originOfCall(ctx);
  const audit = memberships.map((m) => memberRemovedAudit(origin, m));
  const events: EventPayload[] = await applyBillingEffects(ctx, decision, '');
  await record(ctx, audit, events);
  return { queueIds: memberships.map((m) => m.queueId), decision };
}
