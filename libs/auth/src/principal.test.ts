import { describe, expect, it } from 'vitest';
import { ACCOUNT_ID_PATTERN, identityOf, type Principal } from './principal.js';

describe('identityOf', () => {
  it('keeps who the caller is and drops the roles and permissions of their record', () => {
    const principal: Principal = {
      subject: 'usr_1',
      kind: 'user',
      accountId: 'acct_1',
      roles: ['admin'],
      permissions: ['manage_users'],
      scopes: [],
      tokenId: 'j1',
    };
    expect(identityOf(principal)).toEqual({
      subject: 'usr_1',
      kind: 'user',
      accountId: 'acct_1',
      scopes: [],
      tokenId: 'j1',
    });
  });
});

describe('ACCOUNT_ID_PATTERN', () => {
  it.each(['acct_1', 'acct_demo_goto', `acct_${'A'.repeat(60)}`])('takes %s', (id) =>
    expect(ACCOUNT_ID_PATTERN.test(id)).toBe(true),
  );
  it.each(['', 'acct_', 'ACCT_1', 'acct-1', 'acct_1\n', 'acct_1\u0000', ` acct_1`, `acct_${'a'.repeat(61)}`])(
    'refuses %j',
    (id) => expect(ACCOUNT_ID_PATTERN.test(id)).toBe(false),
  );
});
