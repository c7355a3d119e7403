import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTokenVerifier, loadOrCreateDevKeys, signToken } from '@acme/auth';
import type { JSONWebKeySet, JWK } from 'jose';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = (...args: string[]) =>
  spawnSync(join(root, 'node_modules/.bin/tsx'), ['tools/dev-cli/src/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('dev-cli token', () => {
  it('prints a token the service accepts, with the identity asked for and nothing more', async () => {
    const keys = join(mkdtempSync(join(tmpdir(), 'devcli-')), 'keys.json');
    const result = cli(
      'token',
      '--keys',
      keys,
      '--account',
      'acct_demo_zendesk',
      '--subject',
      'usr_demo_zendesk_owner',
    );
    expect(result.status, result.stderr).toBe(0);
    const verify = createTokenVerifier({
      jwks: (await loadOrCreateDevKeys(keys)).publicJwks,
      issuer: 'acme-dev',
      audience: 'licensing',
    });
    expect(await verify(`Bearer ${result.stdout.trim()}`)).toEqual({
      subject: 'usr_demo_zendesk_owner',
      kind: 'user',
      accountId: 'acct_demo_zendesk',
      scopes: [],
      tokenId: expect.any(String),
    });
  });

  it("refuses roles, permissions and scopes for a user token: the service reads what a user may do from the user's record", () => {
    const keys = join(mkdtempSync(join(tmpdir(), 'devcli-')), 'keys.json');
    for (const option of ['--roles', '--permissions']) {
      const refused = cli('token', '--keys', keys, option, 'super_admin');
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain(
        "tokens carry no --roles or --permissions: the service reads them from the user's record; pick the user with --subject",
      );
    }
    const scoped = cli('token', '--keys', keys, '--scopes', 'licenses:write');
    expect(scoped.status).not.toBe(0);
    expect(scoped.stderr).toContain('user tokens carry no --scopes');
  });

  it('prints a service token with scopes and no account', async () => {
    const keys = join(mkdtempSync(join(tmpdir(), 'devcli-')), 'keys.json');
    const result = cli(
      'token',
      '--keys',
      keys,
      '--kind',
      'service',
      '--subject',
      'svc:sales',
      '--scopes',
      'sales_orders:complete',
    );
    expect(result.status, result.stderr).toBe(0);
    const verify = createTokenVerifier({
      jwks: (await loadOrCreateDevKeys(keys)).publicJwks,
      issuer: 'acme-dev',
      audience: 'licensing',
    });
    expect(await verify(`Bearer ${result.stdout.trim()}`)).toMatchObject({
      kind: 'service',
      accountId: null,
      scopes: ['sales_orders:complete'],
    });
    const refused = cli('token', '--keys', keys, '--kind', 'service', '--roles', 'super_admin');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('service tokens carry --scopes, not --roles or --permissions');
  });

  it('refuses an unknown RPC name with the list of methods, and no stack trace', () => {
    const result = cli('call', 'DropTables');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('error: unknown method DropTables; the methods are:');
    expect(result.stderr).toContain('acme.licensing.v1.LicensingService: ListProducts, GetAccount');
    expect(result.stderr).toContain('acme.licensing.v1.OperationsService: RunRetentionSweep, SetClockOffset');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a body that is no JSON, or no request of the method, in one line', () => {
    const broken = cli('call', 'ListProducts', '{bad');
    expect(broken.status).toBe(2);
    expect(broken.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: the request is no ListProducts request: .*JSON/),
    ]);
    const misspelled = cli('call', 'ListUsers', '{"pageSise":3}');
    expect(misspelled.status).toBe(2);
    expect(misspelled.stderr.trim()).toBe(
      'error: the request is no ListUsers request: cannot decode message acme.licensing.v1.ListUsersRequest from JSON: key "pageSise" is unknown',
    );
  });
});

describe('dev-cli keys', () => {
  it('adds new signing keys to a public set the service verifies with, keeping the old ones, never overwriting a private key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dev-cli-keys-'));
    const jwks = join(dir, 'jwks.json');
    expect(cli('keys', '--public', jwks, '--private', join(dir, 'a.jwk.json'), '--kid', 'a').status).toBe(0);
    expect(cli('keys', '--public', jwks, '--private', join(dir, 'b.jwk.json'), '--kid', 'b').stdout).toBe(
      `${jwks}: a, b\n`,
    );
    const again = cli('keys', '--public', jwks, '--private', join(dir, 'b.jwk.json'));
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('a private key is never overwritten');
    const set = JSON.parse(readFileSync(jwks, 'utf8')) as JSONWebKeySet;
    expect(set.keys.some((k) => 'd' in k)).toBe(false);
    // A token the issuer signs with the older key verifies against the set: rotation without a gap.
    const verify = createTokenVerifier({ jwks: set, issuer: 'iss', audience: 'aud' });
    const privateJwk = JSON.parse(readFileSync(join(dir, 'a.jwk.json'), 'utf8')) as JWK;
    const token = await signToken(privateJwk, {
      subject: 'usr_1',
      accountId: 'acct_1',
      issuer: 'iss',
      audience: 'aud',
    });
    expect((await verify(`Bearer ${token}`)).subject).toBe('usr_1');
  });

  it('publishes the public half of a development key file (which holds the private key too)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dev-cli-keys-dev-'));
    const devKeys = await loadOrCreateDevKeys(join(dir, 'dev-jwks.json'));
    const jwks = join(dir, 'public.json');
    expect(cli('keys', '--public', jwks, '--from-dev', join(dir, 'dev-jwks.json')).status).toBe(0);
    expect(JSON.parse(readFileSync(jwks, 'utf8'))).toEqual(devKeys.publicJwks);
  });
});
