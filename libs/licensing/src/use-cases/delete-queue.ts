import type { AuditInput } from '@acme/licensing-data-access';
import { auditEntry } from '../domain/audit.js';
import { mergeDecisions } from '../domain/decision-outcome.js';
import type { EventPayload } from '../domain/events.js';
import { applyBillingEffects, decideMembership, memberRemovedAudit, type QueueMembers } from './queue-decisions.js';
import { originOfCall, record, requireQueue, type UseCaseContext } from './use-case-context.js';

/**
 * DeleteQueue: each member leaves the queue as RemoveQueueMember would (decided one by one, so a
 * member for whom it was the last queue stops being billed), then the queue goes. All or nothing.
 */
export async function deleteQueue(ctx: UseCaseContext, command: { queueId: string }): Promise<QueueMembers> {
  const { tx, account } = ctx;
  const queue = await requireQueue(ctx, command.queueId);
  const members = await tx.membersOfQueue(queue.id);
  const decisions = [
    await decideMembership(ctx, {
      change: 'delete_queue',
      queueKind: queue.kind,
      role: '',
      userId: '',
      before: 0,
      after: 0,
    }),
  ];
  const origin = originOfCall(ctx);
  const audit: AuditInput[] = [];
  const events: EventPayload[] = [];
  for (const member of members) {
    const count = (await tx.membershipsOfUser(account.id, member.userId)).length;
    const decision = await decideMembership(ctx, {
      change: 'remove',
      queueKind: queue.kind,
      role: member.role,
      userId: member.userId,
      before: count,
      after: count - 1,
    });
    decisions.push(decision);
    await tx.deleteMemberships(account.id, member.userId, queue.id);
    audit.push(memberRemovedAudit(origin, member));
    events.push(...(await applyBillingEffects(ctx, decision, queue.id)));
  }
  await tx.deleteQueue(queue.id);
  audit.push(
    auditEntry(origin, 'queue.deleted', { type: 'queue', id: queue.id }, { kind: queue.kind, name: queue.name }, null),
  );
  await record(ctx, audit, events);
  return { queue, members, decision: mergeDecisions(decisions) };
}
