/**
 * JWT_JWKS_URL: the key set is fetched before the service starts (a bad one stops the start) and
 * again every refresh; a key added at the URL verifies its tokens once fetched, a key removed
 * refuses them, and a failed refresh keeps the last good set.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTokenVerifier } from './token-verifier.js';
import { loadOrCreateDevKeys, signToken } from './dev-keys.js';
import { watchJwksUrl } from './jwks-sources.js';

/** Waits until `condition` holds (vitest polls it), naming what did not happen on timeout. */
const until = (condition: () => boolean | Promise<boolean>, what: string) =>
  vi.waitFor(
    async () => {
      if (!(await condition())) throw new Error(`still waiting for ${what}`);
    },
    { timeout: 10_000, interval: 20 },
  );

const dir = mkdtempSync(join(tmpdir(), 'jwks-url-'));
const [first, second] = [
  await loadOrCreateDevKeys(join(dir, 'first.json')),
  await loadOrCreateDevKeys(join(dir, 'second.json')),
];
/** What the identity provider serves now: a status and a body. */
let served: { status: number; body: string } = { status: 200, body: JSON.stringify(first.publicJwks) };
let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((_request, response) => response.writeHead(served.status).end(served.body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/.well-known/jwks.json`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const tokenOf = (keys: typeof first) =>
  signToken(keys.privateJwk, { issuer: 'acme-dev', audience: 'licensing', subject: 'usr_1', accountId: 'acct_1' });

describe('JWT_JWKS_URL', () => {
  it('verifies with the keys the URL serves, following a rotation, and keeps the last good set', async () => {
    served = { status: 200, body: JSON.stringify(first.publicJwks) };
    const warnings: string[] = [];
    const logger = { info: () => undefined, warn: (_fields: unknown, message: string) => void warnings.push(message) };
    const keys = await watchJwksUrl(url, logger as never, 20);
    const verify = createTokenVerifier({ jwks: keys.current, issuer: 'acme-dev', audience: 'licensing' });
    const accepts = async (token: string) =>
      verify(`Bearer ${token}`).then(
        () => true,
        () => false,
      );
    try {
      const [oldToken, newToken] = [await tokenOf(first), await tokenOf(second)];
      expect(await accepts(oldToken)).toBe(true);
      expect(await accepts(newToken)).toBe(false);
      // Rotation: the new key is published, then the old one removed.
      served = { status: 200, body: JSON.stringify({ keys: [...first.publicJwks.keys, ...second.publicJwks.keys] }) };
      await until(() => accepts(newToken), 'the new key verifying');
      expect(await accepts(oldToken)).toBe(true);
      served = { status: 200, body: JSON.stringify(second.publicJwks) };
      await until(async () => !(await accepts(oldToken)), 'the removed key refused');
      // The provider fails, then serves a private key: both refused, the last good set stays.
      served = { status: 503, body: 'down' };
      await until(() => warnings.length > 0, 'the failed refresh reported');
      served = { status: 200, body: JSON.stringify({ keys: [second.privateJwk] }) };
      await until(() => warnings.length > 1, 'the private key refused');
      expect(await accepts(newToken)).toBe(true);
      expect(keys.current().keys.map((k) => k.kid)).toEqual([second.privateJwk.kid]);
    } finally {
      keys.close();
    }
  });

  it('stops the start when the URL cannot give a public key set', async () => {
    const logger = { info: () => undefined, warn: () => undefined };
    served = { status: 404, body: 'not found' };
    await expect(watchJwksUrl(url, logger, 60_000)).rejects.toThrow(/answered HTTP 404/);
    served = { status: 200, body: JSON.stringify({ keys: [first.privateJwk] }) };
    await expect(watchJwksUrl(url, logger, 60_000)).rejects.toThrow(/contains a private key/);
    served = { status: 200, body: '{"keys": []}' };
    await expect(watchJwksUrl(url, logger, 60_000)).rejects.toThrow(/at least one key/);
    await expect(watchJwksUrl('http://127.0.0.1:1/jwks.json', logger, 60_000)).rejects.toThrow(/cannot fetch/);
  });
});
