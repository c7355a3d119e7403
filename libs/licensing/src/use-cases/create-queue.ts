import type { QueueRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { auditEntry } from '../domain/audit.js';
import { decideMembership, requireFreeQueueName } from './queue-decisions.js';
import { originOfCall, record, type UseCaseContext } from './use-case-context.js';

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
  await requireFreeQueueName(ctx, command.kind, command.name);
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
