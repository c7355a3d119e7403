import type { UserRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { auditEntry } from '../domain/audit.js';
import { decideUserChange } from './manage-user.js';
import { originOfCall, record, requireDeactivated, requireUser, type UseCaseContext } from './use-case-context.js';

/** ReactivateUser: a deactivated user may sign in again; they hold nothing until licenses are assigned. */
export async function reactivateUser(
  ctx: UseCaseContext,
  command: { userId: string },
): Promise<{ user: UserRecord; decision: Decision }> {
  const user = await requireUser(ctx, command.userId);
  const decision = await decideUserChange(ctx, user, 'reactivate');
  requireDeactivated(user);
  await ctx.tx.updateUser(user.id, { deactivatedAt: null });
  await record(
    ctx,
    [
      auditEntry(
        originOfCall(ctx),
        'user.reactivated',
        { type: 'user', id: user.id },
        { state: 'deactivated' },
        { state: 'active' },
      ),
    ],
    [],
  );
  return { user: { ...user, deactivatedAt: null }, decision };
}
