import type { Principal } from '@acme/auth';
import { AppError } from '@acme/util';

const ACCOUNT_ID = /^acct_[A-Za-z0-9_]{1,60}$/;

/**
 * The account a call acts on. Users act only on the account in their token; an empty
 * `account_id` means that account. Service identities without an account claim must name one.
 * A mismatch is refused before anything is read, so another account's data is never visible.
 */
export function resolveAccountId(principal: Principal, requested: string, field = 'account_id'): string {
  if (requested !== '' && !ACCOUNT_ID.test(requested)) {
    throw AppError.invalidArgument([{ field, description: 'must look like acct_<letters, digits or _>, at most 65 characters' }]);
  }
  if (principal.accountId === null) {
    if (requested === '') throw AppError.invalidArgument([{ field, description: 'required for service identities without an account' }]);
    return requested;
  }
  if (requested !== '' && requested !== principal.accountId) {
    throw new AppError('permission_denied', 'callers may act only on their own account', {
      reason: 'PERMISSION_DENIED',
      metadata: { account_id: requested },
    });
  }
  return principal.accountId;
}
