import { newId, type AssignmentRecord, type UserRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { AppError } from '@acme/util';
import type { Principal } from '@acme/auth';
import { auditEntry } from '../domain/audit.js';
import { actorFacts, userFacts } from '../domain/facts.js';
import { grantProducts, type ProductGrant } from './assign-licenses.js';
import { decide, originOfCall, type UseCaseContext } from './use-case-context.js';

export const ROLES = ['super_admin', 'admin', 'owner', 'member'];
export const PERMISSIONS = ['manage_users', 'manage_licenses'];

/**
 * Roles a caller may hand out: nobody grants more than they have. Members and managers create
 * members; admins also admins; only a super admin creates super admins or owners.
 */
function grantableRoles(principal: Principal): string[] {
  if (principal.roles.includes('super_admin')) return ROLES;
  if (principal.roles.includes('admin')) return ['admin', 'member'];
  return ['member'];
}

export interface NewUser {
  /** The user's id when the caller names it (an import, the demo seed); a new id otherwise. */
  id?: string;
  /** Trimmed and lower-cased by the caller. */
  email: string;
  displayName: string;
  roles: string[];
  permissions: string[];
  products: ProductGrant[];
  notifyUser: boolean;
}

/**
 * CreateUser: a new user of the account, optionally with licenses (as create_user), all in one
 * transaction. Nothing is written before the rules decide.
 */
export async function createUser(
  ctx: UseCaseContext,
  command: NewUser,
): Promise<{ user: UserRecord; created: AssignmentRecord[]; decision: Decision }> {
  const { tx, account, principal, now } = ctx;
  // Who may grant what is the caller's own limit, checked before the account's data is read.
  const roles = command.roles.length > 0 ? [...new Set(command.roles)] : ['member'];
  const beyond = roles.filter((r) => !grantableRoles(principal).includes(r));
  const extraPermissions = command.permissions.filter((p) => !principal.permissions.includes(p));
  if (
    beyond.length > 0 ||
    (extraPermissions.length > 0 && !principal.roles.some((r) => r === 'super_admin' || r === 'admin'))
  ) {
    throw new AppError('permission_denied', `callers may not grant ${[...beyond, ...extraPermissions].join(', ')}`, {
      reason: 'PERMISSION_DENIED',
    });
  }
  // Load
  if (await tx.userByEmail(account.id, command.email)) {
    throw new AppError('already_exists', `a user with email ${command.email} already exists`, {
      reason: 'ALREADY_EXISTS',
      metadata: { email: command.email },
    });
  }
  const user: UserRecord = {
    id: command.id ?? newId('usr'),
    accountId: account.id,
    email: command.email,
    displayName: command.displayName,
    roles,
    permissions: [...new Set(command.permissions)],
    createdAt: now,
    deactivatedAt: null,
  };
  const insertUser = () => {
    tx.insertUser(user);
    const after = { email: user.email, displayName: user.displayName, roles, permissions: user.permissions };
    tx.appendAudit([auditEntry(originOfCall(ctx), 'user.created', { type: 'user', id: user.id }, null, after)]);
  };

  // Decide and apply: adding a user may add licenses, all or nothing.
  if (command.products.length > 0) {
    const grant = {
      user,
      current: [],
      point: 'create_user' as const,
      field: 'products',
      products: command.products,
      notifyUser: command.notifyUser,
      beforeWrites: insertUser,
    };
    return { user, ...(await grantProducts(ctx, grant)) };
  }
  const decision = await decide(ctx, 'create_user', {
    ...actorFacts(principal, account),
    request: { productIds: [] },
    products: [],
    user: userFacts(user, []),
  });
  insertUser();
  return { user, created: [], decision };
}
