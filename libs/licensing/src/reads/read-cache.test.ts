/**
 * Cached reads across two service instances on one PostgreSQL: a change made through either is
 * seen through both (at once on the instance that made it, within the notification's delay on
 * the other), and a lost notification connection makes the cache stand aside, not lie.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LicensingService } from '@acme/contracts';
import { loadOrCreateDevKeys, signToken } from '@acme/auth';
import { createClient, type PromiseClient } from '@acme/grpc';
import { eventually, withPostgresDatabase } from '@acme/testing';
import { loadLicensingConfig } from '../config.js';
import { startLicensingService, type RunningLicensingService } from '../licensing-service.js';

type Client = PromiseClient<(typeof LicensingService)['method']>;
const database = await withPostgresDatabase('readcache');
const dir = mkdtempSync(join(tmpdir(), 'read-cache-'));
const services: RunningLicensingService[] = [];
let a: Client;
let b: Client;

beforeAll(async () => {
  if (database.skip) return;
  const keys = await loadOrCreateDevKeys(join(dir, 'keys.json'));
  for (let i = 0; i < 2; i++) {
    const config = loadLicensingConfig({
      GRPC_PORT: '0',
      DATABASE_URL: database.url,
      SEED_DEMO: 'true',
      LOG_LEVEL: 'silent',
    });
    services.push(await startLicensingService({ config, logger: pino({ level: 'silent' }), jwks: keys.publicJwks }));
  }
  const token = await signToken(keys.privateJwk, {
    subject: 'usr_demo_goto_admin',
    accountId: 'acct_demo_goto',
    issuer: 'acme-dev',
    audience: 'licensing',
  });
  a = createClient(LicensingService, services[0]!.address, { token });
  b = createClient(LicensingService, services[1]!.address, { token });
});

afterAll(async () => {
  a?.close();
  b?.close();
  for (const s of services) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

const meetingSeats = async (client: Client) =>
  (await client.getSeatUsage({ productIds: ['goto_meeting'] })).products[0]!;
const purchase = (client: Client) =>
  client.purchaseSeats({
    productId: 'goto_meeting',
    quantity: 1,
    expectedUnitPrice: { currencyCode: 'USD', amountMinor: 1400n },
  });

describe.skipIf(database.skip)('the read cache with two instances', () => {
  it('shows a change at once where it was made and soon where it was not', async () => {
    const before = await meetingSeats(b); // cached on B
    await meetingSeats(a); // and on A
    await purchase(a);
    expect((await meetingSeats(a)).purchased).toBe(before.purchased + 1);
    await eventually(async () => (await meetingSeats(b)).purchased === before.purchased + 1, {
      what: "B sees A's purchase",
    });
    await purchase(b);
    expect((await meetingSeats(b)).purchased).toBe(before.purchased + 2);
    await eventually(async () => (await meetingSeats(a)).purchased === before.purchased + 2, {
      what: "A sees B's purchase",
    });
  });

  it('stands aside while its notifications cannot arrive, and catches up when they can', async () => {
    const before = await meetingSeats(b);
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      // Drop every listening connection; until they are back, B must read from the database.
      await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query like 'listen%'",
      );
      await purchase(a);
      await eventually(async () => (await meetingSeats(b)).purchased === before.purchased + 1, {
        what: 'B sees the purchase without a notification',
      });
    } finally {
      await admin.end();
    }
    await purchase(a);
    await eventually(async () => (await meetingSeats(b)).purchased === before.purchased + 2, {
      what: 'B sees the next purchase',
    });
  });
});
