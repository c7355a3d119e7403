/**
 * Found by a security review with a gRPC client: validly signed tokens with odd claims answered
 * INTERNAL (a numeric `sub`, U+0000 in `sub` or `acct`, a `sub` over 200 characters) or
 * UNAVAILABLE, `roles` as a string was taken as a list, and a 16 KB claim was accepted. Every one
 * is now refused at verification as UNAUTHENTICATED, naming the claim (or the token's length).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@acme/util';
import { loadOrCreateDevKeys, signToken, type DevKeys, type TokenClaims } from './dev-keys.js';
import { MAX_TOKEN_LENGTH, createTokenVerifier, type TokenVerifier } from './token-verifier.js';

const issuer = 'test-issuer';
const audience = 'licensing';
let keys: DevKeys;
let verify: TokenVerifier;

beforeAll(async () => {
  keys = await loadOrCreateDevKeys(join(mkdtempSync(join(tmpdir(), 'auth-claims-')), 'keys.json'));
  verify = createTokenVerifier({ jwks: keys.publicJwks, issuer, audience, clockToleranceSeconds: 0 });
});

type Claims = Partial<TokenClaims>;
const sign = (claims: Claims = {}) =>
  signToken(keys.privateJwk, {
    subject: 'usr_demo_goto_admin',
    accountId: 'acct_demo_goto',
    issuer,
    audience,
    ...claims,
  });
/** A user token with `raw` written over its claims as given. */
const odd = (raw: Record<string, unknown>, claims: Claims = {}) => sign({ ...claims, rawClaims: raw });
const service = (raw: Record<string, unknown> = {}) =>
  signToken(keys.privateJwk, {
    subject: 'svc:sales-tooling',
    kind: 'service',
    scopes: ['sales_orders:complete'],
    issuer,
    audience,
    rawClaims: raw,
  });

async function refusal(token: string | Promise<string>): Promise<string> {
  const error = await verify(`Bearer ${await token}`).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ type: 'unauthenticated', reason: 'UNAUTHENTICATED' });
  const { message } = error as AppError;
  // The refusal names the claim, never repeats its value.
  expect(message).not.toContain('\u0000');
  expect(message.length).toBeLessThan(400);
  return message;
}

describe('tokens with odd claims are refused as UNAUTHENTICATED, naming the claim', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['sub a number', { sub: 42 }, 'sub'],
    ['sub empty', { sub: '' }, 'sub'],
    ['sub with U+0000', { sub: 'usr_demo\u0000goto_admin' }, 'sub'],
    ['sub with a newline at its end', { sub: 'usr_demo_goto_admin\n' }, 'sub'],
    ['sub with a space', { sub: 'usr demo' }, 'sub'],
    ['sub with a character outside the safe set', { sub: 'usr_d\u00e9mo' }, 'sub'],
    ['sub of 201 characters', { sub: `usr_${'a'.repeat(197)}` }, 'sub'],
    ['acct with U+0000', { acct: 'acct_demo\u0000goto' }, 'acct'],
    ['acct not an account id', { acct: 'ACCT_demo' }, 'acct'],
    ['acct a number', { acct: 7 }, 'acct'],
    ['acct null', { acct: null }, 'acct'],
    ['acct over 65 characters', { acct: `acct_${'a'.repeat(61)}` }, 'acct'],
    ['kind unknown', { kind: 'robot' }, 'kind'],
    ['roles as a string', { roles: 'super_admin' }, 'roles'],
    ['roles as a space-separated string', { roles: 'member super_admin' }, 'roles'],
    ['roles with a non-string entry', { roles: ['member', 1] }, 'roles'],
    ['roles with U+0000 in an entry', { roles: ['ad\u0000min'] }, 'roles'],
    ['roles with an entry of 65 characters', { roles: [`a${'b'.repeat(64)}`] }, 'roles'],
    ['roles with 33 entries', { roles: Array.from({ length: 33 }, (_, i) => `role_${i}`) }, 'roles'],
    ['roles an object', { roles: { admin: true } }, 'roles'],
    ['perms as a string', { perms: 'manage_users' }, 'perms'],
    ['perms with a non-string entry', { perms: ['manage_users', { all: true }] }, 'perms'],
    ['perms with an upper-case entry', { perms: ['MANAGE_USERS'] }, 'perms'],
    ['scope a number', { scope: 3 }, 'scope'],
    ['scope with an entry outside the slug set', { scope: 'licenses:write Licenses/*' }, 'scope'],
    ['scope as an array with a non-string entry', { scope: ['licenses:write', null] }, 'scope'],
    ['scope of 33 entries', { scope: Array.from({ length: 33 }, (_, i) => `s${i}`).join(' ') }, 'scope'],
    ['jti a number', { jti: 12 }, 'jti'],
    ['jti with U+0000', { jti: 'a\u0000b' }, 'jti'],
    ['jti of 129 characters', { jti: 'j'.repeat(129) }, 'jti'],
  ])('%s', async (_case, raw, claim) => {
    expect(await refusal(odd(raw))).toMatch(new RegExp(`^token claim "${claim}" must be `));
  });

  it('says what the claim must be', async () => {
    expect(await refusal(odd({ sub: 42 }))).toBe(
      'token claim "sub" must be a string of 1 to 200 letters, digits or _ . : @ -',
    );
    expect(await refusal(odd({ roles: 'admin' }))).toMatch(
      /^token claim "roles" must be a JSON array \(not a string\)/,
    );
  });

  it('names every claim that is wrong', async () => {
    expect(await refusal(odd({ sub: 42, acct: 'acct_\u0000', roles: 'admin' }))).toMatch(
      /"sub".*; token claim "acct".*; token claim "roles"/,
    );
  });

  it('refuses a service token with roles as a string or U+0000 in its subject', async () => {
    expect(await refusal(service({ roles: 'super_admin' }))).toMatch(/^token claim "roles"/);
    expect(await refusal(service({ sub: 'svc:sales\u0000' }))).toMatch(/^token claim "sub"/);
    expect(await refusal(service({ acct: '' }))).toMatch(/^token claim "acct"/);
  });
});

describe('a token carries identity only: roles and permissions come from the user record', () => {
  const grants = "roles and permissions come from the user's record in the service; user tokens carry none";
  it.each<[string, Record<string, unknown>, string]>([
    ['roles', { roles: ['super_admin'] }, '"roles"'],
    ['perms', { perms: ['manage_users'] }, '"perms"'],
    ['both', { roles: ['member'], perms: ['manage_licenses'] }, '"roles" and "perms"'],
    ['roles, even empty', { roles: [] }, '"roles"'],
    ['roles at the entry bound (32)', { roles: Array.from({ length: 32 }, (_, i) => `r${i}`) }, '"roles"'],
  ])('refuses a user token carrying %s, saying why', async (_case, raw, named) => {
    expect(await refusal(odd(raw))).toBe(`${grants} (this one has ${named})`);
  });

  it('refuses a user token carrying scopes: they are for services', async () => {
    expect(await refusal(sign({ scopes: ['licenses:write'] }))).toBe(
      'scopes are for service identities; user tokens carry none (this one has "scope")',
    );
    expect(await refusal(odd({ scope: '' }))).toMatch(/^scopes are for service identities/);
  });

  it('checks the shape of roles and perms first, so a malformed one still names what is wrong with it', async () => {
    expect(await refusal(odd({ roles: 'super_admin' }))).toMatch(/^token claim "roles" must be a JSON array/);
  });

  it('refuses a service token carrying roles or perms as before', async () => {
    expect(await refusal(service({ roles: ['super_admin'] }))).toBe(
      'service tokens carry scopes, not "roles" or "perms" claims',
    );
  });
});

describe('tokens with ordinary claims are still accepted', () => {
  it('takes the demo admin as an identity, nothing more', async () => {
    const identity = await verify(`Bearer ${await sign()}`);
    expect(identity).toEqual({
      subject: 'usr_demo_goto_admin',
      kind: 'user',
      accountId: 'acct_demo_goto',
      scopes: [],
      tokenId: expect.any(String),
    });
  });

  it('takes scope as a space-separated string, as in OAuth 2, or as an array', async () => {
    const asString = await service({ scope: 'sales_orders:complete  licenses:write' });
    expect((await verify(`Bearer ${asString}`)).scopes).toEqual(['sales_orders:complete', 'licenses:write']);
    const asArray = await service({ scope: ['sales_orders:complete', 'licenses:write'] });
    expect((await verify(`Bearer ${asArray}`)).scopes).toEqual(['sales_orders:complete', 'licenses:write']);
    expect((await verify(`Bearer ${await service({ scope: '' })}`)).scopes).toEqual([]);
  });

  it('takes claims at their bounds', async () => {
    const atBounds = await odd({ sub: `usr_${'a'.repeat(196)}`, acct: `acct_${'a'.repeat(60)}`, jti: 'j'.repeat(128) });
    const identity = await verify(`Bearer ${atBounds}`);
    expect(identity.subject).toHaveLength(200);
    expect(identity.accountId).toHaveLength(65);
    expect(identity.tokenId).toHaveLength(128);
    const scopes = Array.from({ length: 32 }, (_, i) => `s${i}_${'x'.repeat(60)}`);
    expect((await verify(`Bearer ${await service({ scope: scopes })}`)).scopes).toEqual(scopes);
  });

  it('takes subjects with each character of the safe set', async () => {
    expect((await verify(`Bearer ${await odd({ sub: 'user.name@example-idp:42_X' })}`)).subject).toBe(
      'user.name@example-idp:42_X',
    );
  });

  it('ignores claims it does not know, within the length bound', async () => {
    expect((await verify(`Bearer ${await odd({ name: 'Ann \u0000', extra: { nested: [1, 2] } })}`)).subject).toBe(
      'usr_demo_goto_admin',
    );
  });

  it('hands out an identity nobody can change, since the cache shares it between calls', async () => {
    const identity = await verify(`Bearer ${await service()}`);
    expect(Object.isFrozen(identity)).toBe(true);
    expect(Object.isFrozen(identity.scopes)).toBe(true);
  });
});

describe('the length bound', () => {
  /** A validly signed token whose length is within 4 characters below `length` (base64 steps). */
  async function signedOfLength(length: number): Promise<string> {
    let padding = 0;
    for (let i = 0; i < 5; i++) {
      const token = await odd({ pad: 'x'.repeat(padding) });
      const short = length - token.length;
      if (short >= 0 && short < 4) return token;
      padding += Math.floor((short * 3) / 4);
    }
    throw new Error(`no token of about ${length} characters`);
  }

  it('refuses a 16 KB claim before looking at it', async () => {
    expect(await refusal(odd({ note: 'x'.repeat(16 * 1024) }))).toMatch(/^token too long/);
    expect(await refusal(odd({ sub: `usr_${'a'.repeat(16 * 1024)}` }))).toMatch(/^token too long/);
  });

  it(`refuses a validly signed token of more than ${MAX_TOKEN_LENGTH} characters, takes one at the bound`, async () => {
    const atBound = await signedOfLength(MAX_TOKEN_LENGTH);
    expect((await verify(`Bearer ${atBound}`)).subject).toBe('usr_demo_goto_admin');
    const over = await signedOfLength(MAX_TOKEN_LENGTH + 4);
    expect(over.length).toBeGreaterThan(MAX_TOKEN_LENGTH);
    expect(await refusal(over)).toBe(`token too long: a bearer token has at most ${MAX_TOKEN_LENGTH} characters`);
  });

  it('refuses a huge authorization value before parsing it', async () => {
    expect(await refusal('a'.repeat(70 * 1024))).toMatch(/^token too long/);
    const error = await verify(`Bearer ${' '.repeat(MAX_TOKEN_LENGTH + 64)}x`).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: 'unauthenticated', message: expect.stringMatching(/^token too long/) });
  });
});
