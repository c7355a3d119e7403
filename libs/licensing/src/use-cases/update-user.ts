import type { UserRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { auditEntry } from '../domain/audit.js';
import { decideUserChange } from './manage-user.js';
import { originOfCall, record, requireUser, type UseCaseContext } from './use-case-context.js';

export interface UserChanges {
  displayName?: string;
  roles?: string[];
  permissions?: string[];
}

/**
 * UpdateUser: a new display name, roles or permissions. What the change adds is decided by the
 * user-admin rules (nobody grants more than they have); taking away is any user administrator's.
 */
export async function updateUser(
  ctx: UseCaseContext,
  command: { userId: string; changes: UserChanges },
): Promise<{ user: UserRecord; decision: Decision }> {
  const user = await requireUser(ctx, command.userId);
  const { changes } = command;
  const added = (after: string[] | undefined, before: string[]) =>
    after ? [...new Set(after)].filter((x) => !before.includes(x)) : [];
  const decision = await decideUserChange(ctx, user, 'update', {
    roles: added(changes.roles, user.roles),
    permissions: added(changes.permissions, user.permissions),
  });
  const next: UserRecord = {
    ...user,
    ...(changes.displayName !== undefined ? { displayName: changes.displayName } : {}),
    ...(changes.roles ? { roles: [...new Set(changes.roles)] } : {}),
    ...(changes.permissions ? { permissions: [...new Set(changes.permissions)] } : {}),
  };
  const fields = ['displayName', 'roles', 'permissions'] as const;
  const changed = fields.filter((f) => JSON.stringify(next[f]) !== JSON.stringify(user[f]));
  if (changed.length === 0) return { user, decision };
  await ctx.tx.updateUser(user.id, Object.fromEntries(changed.map((f) => [f, next[f]])));
  const pick = (u: UserRecord) => Object.fromEntries(changed.map((f) => [f, u[f]]));
  await record(
    ctx,
    [auditEntry(originOfCall(ctx), 'user.updated', { type: 'user', id: user.id }, pick(user), pick(next))],
    [],
  );
  return { user: next, decision };
}
