/**
 * The dev stack for an end-to-end test: the licensing service and the billing consumer in this
 * process on a fresh libsql file and development keys in a directory of its own, the demo accounts
 * opened (unless the test says otherwise), an ephemeral port, no logs; the billing API when asked. `sign` mints tokens the
 * stack accepts; `stop` stops it and removes the directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JSONWebKeySet, JWK } from 'jose';
import { pino } from 'pino';
import { loadOrCreateDevKeys, signToken } from '@acme/auth';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { LicensingService, type CreateAccountRequestSchema } from '@acme/contracts';
import { createClient } from '@acme/grpc';
import { loadLicensingConfig } from '@acme/licensing';
import { startDevStack, type DevStack } from '../src/dev-stack.js';

export type TokenClaims = Omit<Parameters<typeof signToken>[1], 'issuer' | 'audience'>;

export interface TestStack {
  stack: DevStack;
  /** The public keys the stack verifies tokens with (for another service of the test, the billing API). */
  publicJwks: JSONWebKeySet;
  /** The private key the stack's tokens are signed with (a console signing its users' tokens). */
  privateJwk: JWK;
  sign(claims: TokenClaims): Promise<string>;
  /** An account opened as the back office opens one (CreateAccount, accounts:write): its id and its owner's. */
  openAccount(
    request: MessageInitShape<typeof CreateAccountRequestSchema>,
  ): Promise<{ accountId: string; ownerId: string }>;
  stop(): Promise<void>;
}

export async function startTestStack(
  name: string,
  options: { env?: Record<string, string>; now?: () => Date; billingApi?: boolean } = {},
): Promise<TestStack> {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const config = loadLicensingConfig({
    GRPC_PORT: '0',
    SQLITE_PATH: join(dir, 'licensing.db'),
    SEED_DEMO: 'true',
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const devKeysFile = join(dir, 'dev-jwks.json');
  const stack = await startDevStack({
    config,
    logger: pino({ level: 'silent' }),
    devKeysFile,
    // The billing API on an ephemeral port, on the stack's ledger (stack.billingApi).
    ...(options.billingApi ? { billingEnv: { BILLING_API_PORT: '0' } } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const keys = await loadOrCreateDevKeys(devKeysFile);
  const sign = (claims: TokenClaims) =>
    signToken(keys.privateJwk, { ...claims, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
  return {
    stack,
    publicJwks: keys.publicJwks,
    privateJwk: keys.privateJwk,
    sign,
    async openAccount(request) {
      const backOffice = createClient(LicensingService, stack.address, {
        token: await sign({ subject: 'svc:back-office', kind: 'service', scopes: ['accounts:write'] }),
      });
      try {
        const { account, owner } = await backOffice.createAccount(request);
        return { accountId: account!.id, ownerId: owner!.id };
      } finally {
        backOffice.close();
      }
    },
    async stop() {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
