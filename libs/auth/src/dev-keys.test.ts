import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateDevKeys, signToken, type DevKeys } from './dev-keys.js';

let keys: DevKeys;
beforeAll(async () => {
  keys = await loadOrCreateDevKeys(join(mkdtempSync(join(tmpdir(), 'auth-dev-keys-')), 'keys.json'));
});

describe('signToken', () => {
  it('writes the claims the verifier reads, scopes as one space-separated string', async () => {
    const claims = decodeJwt(
      await signToken(keys.privateJwk, { subject: 'usr_1', accountId: 'acct_1', roles: ['admin'], permissions: ['manage_users'], scopes: ['a:b', 'c'], issuer: 'i', audience: 'a' }),
    );
    expect(claims).toMatchObject({ sub: 'usr_1', iss: 'i', aud: 'a', kind: 'user', acct: 'acct_1', roles: ['admin'], perms: ['manage_users'], scope: 'a:b c' });
    expect(Object.keys(claims).sort()).toEqual(['acct', 'aud', 'exp', 'iat', 'iss', 'jti', 'kind', 'perms', 'roles', 'scope', 'sub']);
    expect(claims.exp! - claims.iat!).toBe(3600);
  });

  it('leaves out empty lists and a missing account', async () => {
    const claims = decodeJwt(await signToken(keys.privateJwk, { subject: 'svc:x', kind: 'service', roles: [], issuer: 'i', audience: 'a' }));
    expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'kind', 'sub']);
  });

  it('writes raw claims as given over the others, for tests of odd tokens', async () => {
    const claims = decodeJwt(
      await signToken(keys.privateJwk, { subject: 'usr_1', accountId: 'acct_1', roles: ['admin'], issuer: 'i', audience: 'a', rawClaims: { sub: 42, roles: 'admin', acct: undefined, note: 'n' } }),
    );
    expect(claims).toMatchObject({ sub: 42, roles: 'admin', note: 'n' });
    expect(claims).not.toHaveProperty('acct');
  });
});
