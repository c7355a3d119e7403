import { auditEntry } from '../domain/audit.js';
import { decideMembership, requireFreeQueueName, type QueueMembers } from './queue-decisions.js';
import { originOfCall, record, requireQueue, type UseCaseContext } from './use-case-context.js';

/** RenameQueue: a new display name, still unique per account and kind; members and billing are untouched. */
export async function renameQueue(
  ctx: UseCaseContext,
  command: { queueId: string; name: string },
): Promise<QueueMembers> {
  const queue = await requireQueue(ctx, command.queueId);
  const decision = await decideMembership(ctx, {
    change: 'rename_queue',
    queueKind: queue.kind,
    role: '',
    userId: '',
    before: 0,
    after: 0,
  });
  const members = await ctx.tx.membersOfQueue(queue.id);
  if (queue.name === command.name) return { queue, members, decision };
  await requireFreeQueueName(ctx, queue.kind, command.name);
  await ctx.tx.renameQueue(queue.id, command.name);
  await record(
    ctx,
    [
      auditEntry(
        originOfCall(ctx),
        'queue.renamed',
        { type: 'queue', id: queue.id },
        { name: queue.name },
        { name: command.name },
      ),
    ],
    [],
  );
  return { queue: { ...queue, name: command.name }, members, decision };
}
