/**
 * The mutation phase histogram of a running service on PostgreSQL: every committed mutation adds
 * one observation to each phase; a validate_only call, which rolls back, adds none.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LicensingService } from '@acme/contracts';
import { loadOrCreateDevKeys, signToken } from '@acme/auth';
import { createClient, type PromiseClient } from '@acme/grpc';
import { withPostgresDatabase } from '@acme/testing';
import { loadLicensingConfig } from './config.js';
import { startLicensingService, type RunningLicensingService } from './licensing-service.js';

const database = await withPostgresDatabase('mutation_metrics');
const dir = mkdtempSync(join(tmpdir(), 'mutation-metrics-'));
let service: RunningLicensingService;
let client: PromiseClient<(typeof LicensingService)['method']>;

beforeAll(async () => {
  if (database.skip) return;
  const keys = await loadOrCreateDevKeys(join(dir, 'keys.json'));
  const config = loadLicensingConfig({
    GRPC_PORT: '0',
    DATABASE_URL: database.url,
    SEED_DEMO: 'true',
    LOG_LEVEL: 'silent',
  });
  service = await startLicensingService({ config, logger: pino({ level: 'silent' }), jwks: keys.publicJwks });
  const token = await signToken(keys.privateJwk, {
    subject: 'usr_demo_goto_admin',
    accountId: 'acct_demo_goto',
    issuer: 'acme-dev',
    audience: 'licensing',
  });
  client = createClient(LicensingService, service.address, { token });
});

afterAll(async () => {
  client?.close();
  await service?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Observations and their sum (seconds) of each phase, as the metrics endpoint shows them. */
async function phases(): Promise<Record<string, { count: number; sum: number }>> {
  const text = await service.registry.metrics();
  const byPhase: Record<string, { count: number; sum: number }> = {};
  for (const [, kind, phase, value] of text.matchAll(
    /^licensing_mutation_phase_seconds_(sum|count)\{phase="(\w+)"\} (\S+)$/gm,
  )) {
    (byPhase[phase!] ??= { count: 0, sum: 0 })[kind as 'sum' | 'count'] = Number(value);
  }
  return byPhase;
}

const purchase = (validateOnly: boolean) =>
  client.purchaseSeats({
    productId: 'goto_meeting',
    quantity: 1,
    expectedUnitPrice: { currencyCode: 'USD', amountMinor: 1400n },
    validateOnly,
  });

describe.skipIf(database.skip)('mutation phase metrics', () => {
  it('observes each phase of every committed mutation, and nothing of a validate_only one', async () => {
    await purchase(true);
    expect(await phases()).toEqual({});
    await purchase(false);
    await purchase(false);
    const observed = await phases();
    expect(Object.keys(observed).sort()).toEqual(['commit', 'decide', 'prefetch']);
    for (const { count, sum } of Object.values(observed)) {
      expect(count).toBe(2);
      expect(sum).toBeGreaterThan(0);
      expect(sum).toBeLessThan(5);
    }
  });
});
