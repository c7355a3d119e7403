import { describe, expect, it } from 'vitest';
import type { Principal } from '@acme/auth';
import { AppError } from '@acme/util';
import { resolveAccountId } from './account-scope.js';

const user: Principal = { subject: 'usr_1', kind: 'user', accountId: 'acct_a', roles: ['admin'], permissions: [], scopes: [], tokenId: null };
const service: Principal = { ...user, subject: 'svc:sales', kind: 'service', accountId: null };

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a refusal');
};

describe('resolveAccountId', () => {
  it('defaults to the caller account and accepts it named explicitly', () => {
    expect(resolveAccountId(user, '')).toBe('acct_a');
    expect(resolveAccountId(user, 'acct_a')).toBe('acct_a');
  });

  it('refuses another account for a user, with PERMISSION_DENIED', () => {
    expect(refusal(() => resolveAccountId(user, 'acct_b'))).toMatchObject({ type: 'permission_denied', reason: 'PERMISSION_DENIED' });
  });

  it('lets an account-less service identity name an account, and requires it to', () => {
    expect(resolveAccountId(service, 'acct_b')).toBe('acct_b');
    expect(refusal(() => resolveAccountId(service, '')).fieldViolations).toEqual([
      { field: 'account_id', description: 'required for service identities without an account' },
    ]);
  });

  it('rejects malformed ids as a field violation', () => {
    expect(refusal(() => resolveAccountId(user, "acct_a' OR 1=1")).type).toBe('invalid_argument');
    expect(refusal(() => resolveAccountId(user, 'x'.repeat(100))).fieldViolations[0]?.field).toBe('account_id');
  });
});
