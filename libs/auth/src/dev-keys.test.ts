import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateDevKeys, signToken, type DevKeys } from './dev-keys.js';

let keys: DevKeys;
beforeAll(async () => {
  keys = await loadOrCreateDevKeys(join(mkdtempSync(join(tmpdir(), 'auth-dev-keys-')), 'keys.json'));
});

describe('signToken', () => {
  it('writes the claims the verifier reads, scopes as one space-separated string, and no roles or permissions', async () => {
    const claims = decodeJwt(
      await signToken(keys.privateJwk, {
        subject: 'svc:x',
        kind: 'service',
        accountId: 'acct_1',
        scopes: ['a:b', 'c'],
        issuer: 'i',
        audience: 'a',
      }),
    );
    expect(claims).toMatchObject({ sub: 'svc:x', iss: 'i', aud: 'a', kind: 'service', acct: 'acct_1', scope: 'a:b c' });
    expect(Object.keys(claims).sort()).toEqual(['acct', 'aud', 'exp', 'iat', 'iss', 'jti', 'kind', 'scope', 'sub']);
    expect(claims.exp! - claims.iat!).toBe(3600);
    const user = decodeJwt(
      await signToken(keys.privateJwk, { subject: 'usr_1', accountId: 'acct_1', issuer: 'i', audience: 'a' }),
    );
    expect(Object.keys(user).sort()).toEqual(['acct', 'aud', 'exp', 'iat', 'iss', 'jti', 'kind', 'sub']);
  });

  it('leaves out empty lists and a missing account', async () => {
    const claims = decodeJwt(
      await signToken(keys.privateJwk, { subject: 'svc:x', kind: 'service', scopes: [], issuer: 'i', audience: 'a' }),
    );
    expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'kind', 'sub']);
  });

  it('writes raw claims as given over the others, for tests of odd tokens', async () => {
    const claims = decodeJwt(
      await signToken(keys.privateJwk, {
        subject: 'usr_1',
        accountId: 'acct_1',
        issuer: 'i',
        audience: 'a',
        rawClaims: { sub: 42, roles: 'admin', acct: undefined, note: 'n' },
      }),
    );
    expect(claims).toMatchObject({ sub: 42, roles: 'admin', note: 'n' });
    expect(claims).not.toHaveProperty('acct');
  });
});

describe('development keys made by several processes at once', () => {
  it('are one key set: every caller gets the file that was linked first, never a half-written one', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'auth-dev-keys-race-')), 'keys.json');
    const made = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateDevKeys(path)));
    const onDisk = await loadOrCreateDevKeys(path);
    expect(new Set(made.map((k) => k.privateJwk.kid))).toEqual(new Set([onDisk.privateJwk.kid]));
    expect(readdirSync(dirname(path))).toEqual(['keys.json']);
  });
});
