import { ACCOUNT_ID_PATTERN, type Identity } from '@acme/auth';
import { AppError } from '@acme/util';

/** The scope a back-office service needs to read billing. */
export const BILLING_READ_SCOPE = 'billing:read';

/** The billing API's caller: the verified token's identity, and the token itself (to ask licensing who a user is). */
export interface BillingCaller {
  identity: Identity;
  /** The token's subject, which the server's log line of each call names. */
  subject: string;
  bearer: string;
}

/**
 * Whether a user administers their account. Roles live in the licensing service's user records,
 * which billing never reads: the app asks licensing, with the caller's own token.
 */
export type AdminCheck = (caller: BillingCaller) => Promise<boolean>;

const ADMIN_ROLES = ['super_admin', 'admin', 'owner'];

/** The roles that make a user an administrator of their account. */
export const isAdminRole = (roles: readonly string[]): boolean => roles.some((role) => ADMIN_ROLES.includes(role));

/**
 * The account a call reads, once the caller may read it, before anything of it is read. An empty
 * `account_id` means the caller's own. A service needs `billing:read` (and, when its token names
 * an account, that account); a user reads their own account only, as its administrator. Another
 * account is refused the same way whether it exists or not.
 */
export async function authorizeReader(caller: BillingCaller, requested: string, isAdmin: AdminCheck): Promise<string> {
  const { identity } = caller;
  if (requested !== '' && !ACCOUNT_ID_PATTERN.test(requested))
    throw AppError.invalidArgument([
      { field: 'account_id', description: 'must look like acct_<letters, digits or _>, at most 65 characters' },
    ]);
  const accountId = requested || identity.accountId;
  if (accountId === null)
    throw AppError.invalidArgument([
      { field: 'account_id', description: 'required for service identities without an account' },
    ]);
  if (identity.accountId !== null && identity.accountId !== accountId)
    throw new AppError('permission_denied', 'callers may read only their own account', {
      reason: 'PERMISSION_DENIED',
      metadata: { account_id: accountId },
    });
  if (identity.kind === 'service') {
    if (!identity.scopes.includes(BILLING_READ_SCOPE))
      throw new AppError('permission_denied', `a service reads billing only with the ${BILLING_READ_SCOPE} scope`, {
        reason: 'SCOPE_REQUIRED',
        metadata: { required_scope: BILLING_READ_SCOPE },
      });
  } else if (!(await isAdmin(caller))) {
    throw new AppError('permission_denied', "only the account's administrators read its billing", {
      reason: 'ADMIN_REQUIRED',
    });
  }
  return accountId;
}
