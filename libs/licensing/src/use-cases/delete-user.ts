import type { UserRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { auditEntry } from '../domain/audit.js';
import { decideUserChange, refuseForOwner } from './manage-user.js';
import { originOfCall, record, requireDeactivated, requireUser, type UseCaseContext } from './use-case-context.js';

/**
 * DeleteUser: a deactivated user (who holds nothing) is deleted, with a phone configuration still
 * kept for them; their audit trail stays, naming them by id.
 */
export async function deleteUser(
  ctx: UseCaseContext,
  command: { userId: string },
): Promise<{ user: UserRecord; decision: Decision }> {
  const user = await requireUser(ctx, command.userId);
  const decision = await decideUserChange(ctx, user, 'delete');
  requireDeactivated(user);
  refuseForOwner(ctx, user, 'deleted');
  await ctx.tx.deleteUser(user.id);
  const { email, displayName, roles, permissions } = user;
  await record(
    ctx,
    [
      auditEntry(
        originOfCall(ctx),
        'user.deleted',
        { type: 'user', id: user.id },
        { email, displayName, roles, permissions },
        null,
      ),
    ],
    [],
  );
  return { user, decision };
}
