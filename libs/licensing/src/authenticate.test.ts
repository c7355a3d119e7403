import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateDevKeys, signToken } from '@acme/auth';
import { Metadata } from '@acme/grpc';
import { bearerAuthenticator } from './authenticate.js';

const keys = await loadOrCreateDevKeys(join(mkdtempSync(join(tmpdir(), 'authenticate-')), 'keys.json'));
const authenticate = bearerAuthenticator({ jwks: keys.publicJwks, issuer: 'acme-dev', audience: 'licensing' });
const token = (roles: string[]) => signToken(keys.privateJwk, { subject: 'usr_1', accountId: 'acct_1', roles, issuer: 'acme-dev', audience: 'licensing' });

function metadata(...authorizations: string[]): Metadata {
  const m = new Metadata();
  for (const value of authorizations) m.add('authorization', value);
  return m;
}

describe('bearerAuthenticator', () => {
  it('takes the principal from the one bearer token', async () => {
    expect(await authenticate(metadata(`Bearer ${await token(['member'])}`))).toMatchObject({ subject: 'usr_1', accountId: 'acct_1', roles: ['member'] });
  });

  it('refuses two authorization values, even two valid tokens, rather than pick one', async () => {
    const [admin, member] = [await token(['super_admin']), await token(['member'])];
    for (const pair of [[admin, member], [member, admin], [admin, admin]]) {
      await expect(authenticate(metadata(...pair.map((t) => `Bearer ${t}`)))).rejects.toMatchObject({ reason: 'UNAUTHENTICATED', message: 'send exactly one authorization header' });
    }
  });

  it('refuses a call without one', async () => {
    await expect(authenticate(metadata())).rejects.toMatchObject({ reason: 'UNAUTHENTICATED' });
  });
});
