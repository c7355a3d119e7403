import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT, generateKeyPair, type JSONWebKeySet } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@acme/util';
import { loadOrCreateDevKeys, signToken, type DevKeys } from './dev-keys.js';
import { createTokenVerifier, type TokenVerifier } from './token-verifier.js';

const issuer = 'test-issuer';
const audience = 'licensing';
let keys: DevKeys;
let verify: TokenVerifier;

beforeAll(async () => {
  keys = await loadOrCreateDevKeys(join(mkdtempSync(join(tmpdir(), 'auth-')), 'keys.json'));
  verify = createTokenVerifier({ jwks: keys.publicJwks, issuer, audience, clockToleranceSeconds: 0 });
});

const userToken = (overrides: Partial<Parameters<typeof signToken>[1]> = {}) =>
  signToken(keys.privateJwk, { subject: 'usr_1', accountId: 'acct_1', issuer, audience, ...overrides });

async function refusal(header: string | undefined): Promise<AppError> {
  const error = await verify(header).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).type).toBe('unauthenticated');
  return error as AppError;
}

describe('token verifier', () => {
  it('turns a valid token into an identity, without roles or permissions (the service holds those)', async () => {
    const identity = await verify(`Bearer ${await userToken()}`);
    expect(identity).toEqual({
      subject: 'usr_1',
      kind: 'user',
      accountId: 'acct_1',
      scopes: [],
      tokenId: expect.any(String),
    });
  });

  it('refuses a user token that carries roles or permissions', async () => {
    for (const rawClaims of [{ roles: ['admin'] }, { perms: ['manage_users'] }]) {
      expect((await refusal(`Bearer ${await userToken({ rawClaims })}`)).message).toMatch(
        /^roles and permissions come from the user's record in the service; user tokens carry none/,
      );
    }
  });

  it('accepts service identities with scopes and no account', async () => {
    const token = await signToken(keys.privateJwk, {
      subject: 'svc:sales',
      kind: 'service',
      scopes: ['sales_orders:complete'],
      issuer,
      audience,
    });
    expect(await verify(`Bearer ${token}`)).toMatchObject({
      kind: 'service',
      accountId: null,
      scopes: ['sales_orders:complete'],
    });
  });

  it('refuses a missing or malformed header', async () => {
    expect((await refusal(undefined)).message).toMatch(/missing bearer token/);
    expect((await refusal('Basic abc')).message).toMatch(/expected "Bearer <jwt>"/);
  });

  it('refuses an expired token', async () => {
    const token = await new SignJWT({ acct: 'acct_1' })
      .setProtectedHeader({ alg: 'EdDSA', kid: keys.privateJwk.kid! })
      .setSubject('usr_1')
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(await importPrivate());
    expect((await refusal(`Bearer ${token}`)).message).toBe('token expired');
  });

  it('refuses a token signed by another key', async () => {
    const other = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const token = await new SignJWT({ acct: 'acct_1' })
      .setProtectedHeader({ alg: 'EdDSA', kid: keys.privateJwk.kid! })
      .setSubject('usr_1')
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(other.privateKey);
    expect((await refusal(`Bearer ${token}`)).message).toBe('token signature does not verify');
  });

  it('refuses alg "none"', async () => {
    const token = new UnsecuredJWT({ acct: 'acct_1', roles: ['super_admin'] })
      .setSubject('usr_1')
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('1h')
      .encode();
    await refusal(`Bearer ${token}`);
  });

  it('refuses the wrong audience or issuer', async () => {
    expect((await refusal(`Bearer ${await userToken({ audience: 'billing' })}`)).message).toMatch(/"aud"/);
    expect((await refusal(`Bearer ${await userToken({ issuer: 'someone-else' })}`)).message).toMatch(/"iss"/);
  });

  it('refuses tampered claims (a role added after signing)', async () => {
    const [header, payload, signature] = (await userToken()).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    claims.roles = ['super_admin'];
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect((await refusal(`Bearer ${forged}`)).message).toBe('token signature does not verify');
  });

  it('refuses a user token without an account', async () => {
    expect((await refusal(`Bearer ${await userToken({ accountId: undefined })}`)).message).toMatch(/"acct"/);
  });
});

async function importPrivate() {
  const { importJWK } = await import('jose');
  return importJWK(keys.privateJwk, 'EdDSA');
}

describe('service tokens act by scopes', () => {
  const serviceToken = (rawClaims: Record<string, unknown>) =>
    signToken(keys.privateJwk, {
      subject: 'svc:billing',
      kind: 'service',
      scopes: ['licenses:write'],
      issuer,
      audience,
      rawClaims,
    });

  // Without an account a service acts on any account: a role would make it, say, super admin of all.
  it.each([
    ['roles', { roles: ['super_admin'] }],
    ['perms', { perms: ['manage_users'] }],
  ])('refuses a service token carrying %s', async (_claim, extra) => {
    expect((await refusal(`Bearer ${await serviceToken(extra)}`)).message).toBe(
      'service tokens carry scopes, not "roles" or "perms" claims',
    );
  });

  it('accepts one with scopes alone', async () => {
    expect(await verify(`Bearer ${await serviceToken({})}`)).toEqual({
      subject: 'svc:billing',
      kind: 'service',
      accountId: null,
      scopes: ['licenses:write'],
      tokenId: expect.any(String),
    });
  });
});

describe('a key set that changes (a JWKS file reloaded)', () => {
  it('verifies with the current keys and forgets tokens verified with a removed key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verifier-rotation-'));
    const oldKeys = await loadOrCreateDevKeys(join(dir, 'old.json'));
    const newKeys = await loadOrCreateDevKeys(join(dir, 'new.json'));
    let current: JSONWebKeySet = { keys: [...oldKeys.publicJwks.keys] };
    const verify = createTokenVerifier({ jwks: () => current, issuer: 'iss', audience: 'aud' });
    const claims = { subject: 'usr_1', accountId: 'acct_1', issuer: 'iss', audience: 'aud' };
    const oldToken = await signToken(oldKeys.privateJwk, claims);
    const newToken = await signToken(newKeys.privateJwk, claims);
    expect((await verify(`Bearer ${oldToken}`)).subject).toBe('usr_1');
    // Rotation, step 1: both keys.
    current = { keys: [...oldKeys.publicJwks.keys, ...newKeys.publicJwks.keys] };
    expect((await verify(`Bearer ${newToken}`)).subject).toBe('usr_1');
    expect((await verify(`Bearer ${oldToken}`)).subject).toBe('usr_1');
    // Step 2: the old key removed; its token, verified (and cached) before, is refused now.
    current = { keys: [...newKeys.publicJwks.keys] };
    await expect(verify(`Bearer ${oldToken}`)).rejects.toMatchObject({ message: 'token signed by an unknown key' });
    expect((await verify(`Bearer ${newToken}`)).subject).toBe('usr_1');
  });
});
