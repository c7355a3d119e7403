import type { UserRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { AppError } from '@acme/util';
import { actorFacts } from '../domain/facts.js';
import { decide, type UseCaseContext } from './use-case-context.js';

export type UserChange = 'update' | 'deactivate' | 'reactivate' | 'delete';

/**
 * The manage_user decision on one user: who may act was asked already (who-may-act); the
 * user-admin rules decide what this caller may do to this user (no escalation, super admins by
 * super admins, not oneself).
 */
export function decideUserChange(
  ctx: UseCaseContext,
  target: UserRecord,
  change: UserChange,
  granted: { roles: string[]; permissions: string[] } = { roles: [], permissions: [] },
): Promise<Decision> {
  return decide(ctx, 'manage_user', {
    ...actorFacts(ctx.principal, ctx.account),
    request: {
      change,
      rolesGranted: granted.roles,
      permissionsGranted: granted.permissions,
      targetRoles: target.roles,
      targetIsSelf: ctx.principal.kind === 'user' && ctx.principal.subject === target.id,
    },
  });
}

/** The account's owner stays an active user: ownership is handed over first. */
export function refuseForOwner(ctx: UseCaseContext, user: UserRecord, what: string): void {
  if (ctx.account.ownerUserId === user.id)
    throw new AppError(
      'failed_precondition',
      `${user.id} owns account ${ctx.account.id} and cannot be ${what}: the back office hands ownership over first`,
      { reason: 'CONFLICT' },
    );
}
