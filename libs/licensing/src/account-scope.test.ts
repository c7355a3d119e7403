import { describe, expect, it } from 'vitest';
import { LicensingService } from '@acme/contracts';
import type { Principal } from '@acme/auth';
import { unimplementedHandlers } from '@acme/grpc';
import { AppError } from '@acme/util';
import { checkReadScope, readsAccountData, requireReadScope, resolveAccountId } from './account-scope.js';

const user: Principal = {
  subject: 'usr_1',
  kind: 'user',
  accountId: 'acct_a',
  roles: ['admin'],
  permissions: [],
  scopes: [],
  tokenId: null,
};
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
    expect(refusal(() => resolveAccountId(user, 'acct_b'))).toMatchObject({
      type: 'permission_denied',
      reason: 'PERMISSION_DENIED',
    });
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

describe('reads of account data need a scope for services', () => {
  const withScopes = (...scopes: string[]): Principal => ({ ...service, scopes });

  it('are every Get, List, Check and Watch RPC but the catalog', () => {
    expect(
      LicensingService.methods
        .filter(readsAccountData)
        .map((m) => m.name)
        .sort(),
    ).toEqual(
      [
        'CheckEntitlements',
        'GetAccount',
        'GetAssignment',
        'GetBillableState',
        'GetPhoneConfiguration',
        'GetQueue',
        'GetSalesOrder',
        'GetSeatUsage',
        'GetUser',
        'ListAccounts',
        'ListAssignments',
        'ListAuditEvents',
        'ListDecisions',
        'ListQueues',
        'ListSalesOrders',
        'ListUsers',
        'WatchEntitlements',
      ].sort(),
    );
  });

  it('refuse a service without licenses:read or licenses:write, with or without an account claim', () => {
    for (const caller of [
      withScopes(),
      withScopes('sales_orders:complete'),
      { ...withScopes(), accountId: 'acct_a' },
    ]) {
      expect(refusal(() => checkReadScope(caller))).toMatchObject({
        type: 'permission_denied',
        reason: 'PERMISSION_DENIED',
        message: 'a service reads account data only with the licenses:read or licenses:write scope',
      });
    }
  });

  it('let a service with either scope read, and users read their own account as before', () => {
    expect(() => checkReadScope(withScopes('licenses:read'))).not.toThrow();
    expect(() => checkReadScope(withScopes('sales_orders:complete', 'licenses:write'))).not.toThrow();
    expect(() => checkReadScope(user)).not.toThrow();
  });

  it('are checked before the handler runs; every other RPC is left to its own checks', async () => {
    const ran: string[] = [];
    const handlers = Object.fromEntries(
      LicensingService.methods.map((m) => [m.localName, async () => ran.push(m.name)]),
    );
    const guarded = requireReadScope(LicensingService, {
      ...unimplementedHandlers(LicensingService),
      ...handlers,
    }) as unknown as Record<string, (r: object, c: { principal: Principal }) => Promise<unknown>>;
    for (const method of LicensingService.methods)
      await guarded[method.localName]!({}, { principal: withScopes() }).catch(() => undefined);
    expect(ran).toEqual(LicensingService.methods.filter((m) => !readsAccountData(m)).map((m) => m.name));
  });
});
