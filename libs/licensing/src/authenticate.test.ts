import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateDevKeys, signToken, type TokenClaims } from '@acme/auth';
import { Metadata } from '@acme/grpc';
import { AppError } from '@acme/util';
import { eventually } from '@acme/testing';
import { bearerAuthenticator, type UserGrantsStore } from './authenticate.js';
import { watchJwksFile } from '@acme/auth';
import { AccountReadCache } from './reads/account-read-cache.js';

const keys = await loadOrCreateDevKeys(join(mkdtempSync(join(tmpdir(), 'authenticate-')), 'keys.json'));
const sign = (claims: Omit<TokenClaims, 'issuer' | 'audience'>) =>
  signToken(keys.privateJwk, { issuer: 'acme-dev', audience: 'licensing', ...claims });
const user = (subject = 'usr_1', accountId = 'acct_1') => sign({ subject, accountId });

/** User records by account and id, counting lookups; `failing` makes every lookup throw it. */
function records(initial: Record<string, { roles: string[]; permissions: string[] }>) {
  const rows = new Map(Object.entries(initial));
  const store = {
    rows,
    lookups: 0,
    failing: null as Error | null,
    async grants(accountId: string, userId: string) {
      store.lookups++;
      if (store.failing) throw store.failing;
      return rows.get(`${accountId}/${userId}`) ?? null;
    },
  };
  return store satisfies UserGrantsStore;
}

function metadata(...authorizations: string[]): Metadata {
  const m = new Metadata();
  for (const value of authorizations) m.add('authorization', value);
  return m;
}

const setup = (cache?: AccountReadCache) => {
  const store = records({
    'acct_1/usr_1': { roles: ['member'], permissions: ['manage_users'] },
    'acct_2/usr_boss': { roles: ['super_admin'], permissions: [] },
  });
  const authenticate = bearerAuthenticator({
    jwks: keys.publicJwks,
    issuer: 'acme-dev',
    audience: 'licensing',
    users: store,
    ...(cache ? { cache } : {}),
  });
  return { store, authenticate: async (token: string) => authenticate(metadata(`Bearer ${token}`)) };
};

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
};

describe('bearerAuthenticator', () => {
  it("takes a user's roles and permissions from the user's record, the identity from the token", async () => {
    const { authenticate } = setup();
    expect(await authenticate(await user())).toMatchObject({
      subject: 'usr_1',
      kind: 'user',
      accountId: 'acct_1',
      roles: ['member'],
      permissions: ['manage_users'],
      scopes: [],
    });
  });

  it('refuses a subject that is no user of the token account, the same whether the account exists or not', async () => {
    const { authenticate } = setup();
    // usr_boss is super admin of acct_2: a token for acct_1 naming them is no one's.
    for (const [subject, accountId] of [
      ['usr_boss', 'acct_1'],
      ['usr_nobody', 'acct_1'],
      ['usr_1', 'acct_nowhere'],
    ] as const) {
      expect(await refusal(authenticate(await user(subject, accountId)))).toMatchObject({
        type: 'unauthenticated',
        reason: 'UNAUTHENTICATED',
        message: `token subject ${subject} is not a user of account ${accountId}`,
      });
    }
  });

  it('refuses a user token carrying roles before looking anything up', async () => {
    const { authenticate, store } = setup();
    const token = await sign({ subject: 'usr_1', accountId: 'acct_1', rawClaims: { roles: ['super_admin'] } });
    expect((await refusal(authenticate(token))).message).toMatch(
      /^roles and permissions come from the user's record in the service; user tokens carry none/,
    );
    expect(store.lookups).toBe(0);
  });

  it('gives a service no roles or permissions, the scopes of its token, and reads no record', async () => {
    const { authenticate, store } = setup();
    const token = await sign({ subject: 'svc:sales', kind: 'service', scopes: ['licenses:read'] });
    expect(await authenticate(token)).toMatchObject({
      subject: 'svc:sales',
      kind: 'service',
      accountId: null,
      roles: [],
      permissions: [],
      scopes: ['licenses:read'],
    });
    expect(await authenticate(token)).toBe(await authenticate(token));
    expect(store.lookups).toBe(0);
  });

  it('with a cache, reads a user record once until the account changes, then sees the change', async () => {
    const cache = new AccountReadCache(() => true);
    const { authenticate, store } = setup(cache);
    const token = await user();
    await authenticate(token);
    await authenticate(token);
    expect(store.lookups).toBe(1);
    store.rows.set('acct_1/usr_1', { roles: ['admin'], permissions: [] });
    expect((await authenticate(token)).roles).toEqual(['member']); // a change behind the service's back is not seen...
    cache.invalidate('acct_2');
    expect((await authenticate(token)).roles).toEqual(['member']); // ...nor another account's commit...
    cache.invalidate('acct_1');
    expect((await authenticate(token)).roles).toEqual(['admin']); // ...a commit to the account is.
    expect(store.lookups).toBe(2);
  });

  it('remembers that a subject is no user until the account changes (a user created there is then found)', async () => {
    const cache = new AccountReadCache(() => true);
    const { authenticate, store } = setup(cache);
    const token = await user('usr_new');
    await refusal(authenticate(token));
    await refusal(authenticate(token));
    expect(store.lookups).toBe(1);
    store.rows.set('acct_1/usr_new', { roles: ['member'], permissions: [] });
    cache.invalidate('acct_1');
    expect((await authenticate(token)).roles).toEqual(['member']);
  });

  it('passes on the failure of a record that cannot be read, and keeps nothing of it', async () => {
    const { authenticate, store } = setup(new AccountReadCache(() => true));
    const cause = new AppError('unavailable', 'the database is unavailable; retry with backoff', {
      reason: 'UNAVAILABLE',
    });
    store.failing = cause;
    await expect(authenticate(await user())).rejects.toBe(cause);
    // Once the database answers, the record is read.
    store.failing = null;
    expect((await authenticate(await user())).roles).toEqual(['member']);
  });

  it('refuses two authorization values, even two valid tokens, rather than pick one', async () => {
    const store = records({});
    const authenticate = bearerAuthenticator({
      jwks: keys.publicJwks,
      issuer: 'acme-dev',
      audience: 'licensing',
      users: store,
    });
    const [first, second] = [await user('usr_boss', 'acct_2'), await user()];
    for (const pair of [
      [first, second],
      [second, first],
      [first, first],
    ]) {
      await expect(authenticate(metadata(...pair.map((t) => `Bearer ${t}`)))).rejects.toMatchObject({
        reason: 'UNAUTHENTICATED',
        message: 'send exactly one authorization header',
      });
    }
  });

  it('refuses a call without one', async () => {
    const authenticate = bearerAuthenticator({
      jwks: keys.publicJwks,
      issuer: 'acme-dev',
      audience: 'licensing',
      users: records({}),
    });
    await expect(authenticate(metadata())).rejects.toMatchObject({ reason: 'UNAUTHENTICATED' });
  });
});

describe('JWT_JWKS_FILE watched for changes', () => {
  it('answers the new keys once the file changes, and keeps the last good set when an edit is broken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jwks-watch-'));
    const path = join(dir, 'jwks.json');
    const first = await loadOrCreateDevKeys(join(dir, 'first.json'));
    const second = await loadOrCreateDevKeys(join(dir, 'second.json'));
    writeFileSync(path, JSON.stringify(first.publicJwks));
    const warnings: string[] = [];
    const logger = { info: () => undefined, warn: (_fields: unknown, message: string) => void warnings.push(message) };
    const keys = watchJwksFile(path, logger as never, 20);
    try {
      const kids = () => keys.current().keys.map((k) => k.kid);
      expect(kids()).toEqual([first.privateJwk.kid]);
      writeFileSync(path, JSON.stringify({ keys: [...first.publicJwks.keys, ...second.publicJwks.keys] }));
      await eventually(() => kids().length === 2, { what: 'the added key' });
      // A private key, or no JSON at all: refused, the two keys stay.
      writeFileSync(path, JSON.stringify({ keys: [first.privateJwk] }));
      await eventually(() => warnings.length > 0, { what: 'the broken edit reported' });
      expect(kids()).toEqual([first.privateJwk.kid, second.privateJwk.kid]);
    } finally {
      keys.close();
    }
  });
});
