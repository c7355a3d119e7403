/**
 * Two licensing service instances on one PostgreSQL database (the demo accounts seeded), with
 * development keys: what the tests of caches, watches and change notifications across instances
 * share. Each test file gives its own database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { LicensingService } from '@acme/contracts';
import { loadOrCreateDevKeys, signToken } from '@acme/auth';
import { createClient, type PromiseClient } from '@acme/grpc';
import { loadLicensingConfig } from '../src/config.js';
import { startLicensingService, type RunningLicensingService } from '../src/licensing-service.js';

export type LicensingClient = PromiseClient<(typeof LicensingService)['method']>;

export interface TwoInstances {
  /** Instance 0 and instance 1. */
  services: [RunningLicensingService, RunningLicensingService];
  /** A token for a user of an account (default: the GoTo demo account). */
  token(subject: string, accountId?: string): Promise<string>;
  /** A client of one instance, closed by `stop`. */
  client(service: RunningLicensingService, token: string): LicensingClient;
  /** Stops one instance now (stop skips it later). */
  stopOne(service: RunningLicensingService): Promise<void>;
  /** Closes the clients and stops what still runs. */
  stop(): Promise<void>;
}

export async function startTwoInstances(databaseUrl: string): Promise<TwoInstances> {
  const dir = mkdtempSync(join(tmpdir(), 'two-instances-'));
  const keys = await loadOrCreateDevKeys(join(dir, 'keys.json'));
  const start = () =>
    startLicensingService({
      config: loadLicensingConfig({
        GRPC_PORT: '0',
        DATABASE_URL: databaseUrl,
        SEED_DEMO: 'true',
        LOG_LEVEL: 'silent',
      }),
      logger: pino({ level: 'silent' }),
      jwks: keys.publicJwks,
    });
  // One after the other: the first migrates and seeds.
  const services: [RunningLicensingService, RunningLicensingService] = [await start(), await start()];
  const running = new Set<RunningLicensingService>(services);
  const clients: LicensingClient[] = [];
  return {
    services,
    token: (subject, accountId = 'acct_demo_goto') =>
      signToken(keys.privateJwk, { subject, accountId, issuer: 'acme-dev', audience: 'licensing' }),
    client(service, token) {
      const client = createClient(LicensingService, service.address, { token });
      clients.push(client);
      return client;
    },
    async stopOne(service) {
      if (running.delete(service)) await service.stop();
    },
    async stop() {
      for (const client of clients) client.close();
      for (const service of running) await service.stop();
      running.clear();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
