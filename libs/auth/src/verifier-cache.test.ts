/** The verifier's cache of verified tokens never accepts what a full verification would refuse. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '@acme/util';
import { loadOrCreateDevKeys, signToken, type DevKeys } from './dev-keys.js';
import { MAX_TOKEN_LENGTH, createTokenVerifier, type TokenVerifier } from './token-verifier.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

const issuer = 'test-issuer';
const audience = 'licensing';
let keys: DevKeys;
let verify: TokenVerifier;

beforeAll(async () => {
  keys = await loadOrCreateDevKeys(join(mkdtempSync(join(tmpdir(), 'auth-cache-')), 'keys.json'));
  verify = createTokenVerifier({ jwks: keys.publicJwks, issuer, audience, clockToleranceSeconds: 0 });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const token = (expiresIn = '1h') =>
  signToken(keys.privateJwk, { subject: 'usr_1', accountId: 'acct_1', issuer, audience, expiresIn });
const refusal = async (header: string) => {
  const error = await verify(header).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).message;
};

describe('token verifier with its cache', () => {
  it('refuses a token verified earlier once it has expired', async () => {
    const shortLived = await token('2s');
    expect((await verify(`Bearer ${shortLived}`)).subject).toBe('usr_1');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3_000);
    expect(await refusal(`Bearer ${shortLived}`)).toBe('token expired');
  });

  it('refuses a tampered copy of a token verified earlier', async () => {
    const good = await token();
    await verify(`Bearer ${good}`);
    const [header, payload, signature] = good.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, acct: 'acct_other' })).toString('base64url');
    expect(await refusal(`Bearer ${header}.${forged}.${signature}`)).toBe('token signature does not verify');
  });

  it('answers a repeated token without verifying it again', async () => {
    const good = await token();
    const first = await verify(`Bearer ${good}`);
    expect(await verify(`Bearer ${good}`)).toBe(first);
  });

  it('never keeps a validly signed token whose claims are refused', async () => {
    const set = vi.spyOn(VerifiedTokenCache.prototype, 'set');
    const odd = await signToken(keys.privateJwk, {
      subject: 'usr_1',
      accountId: 'acct_1',
      issuer,
      audience,
      rawClaims: { roles: 'super_admin' },
    });
    expect(await refusal(`Bearer ${odd}`)).toMatch(/^token claim "roles"/);
    expect(await refusal(`Bearer ${odd}`)).toMatch(/^token claim "roles"/);
    expect(set).not.toHaveBeenCalled();
    await verify(`Bearer ${await token()}`);
    expect(set).toHaveBeenCalledTimes(1);
  });

  it('does not look up a token over the length bound', async () => {
    const get = vi.spyOn(VerifiedTokenCache.prototype, 'get');
    expect(await refusal(`Bearer ${'a'.repeat(MAX_TOKEN_LENGTH + 1)}`)).toMatch(/^token too long/);
    expect(get).not.toHaveBeenCalled();
  });
});
