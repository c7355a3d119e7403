/**
 * Cached reads across two service instances on one PostgreSQL: a change made through either is
 * seen through both (at once on the instance that made it, within the notification's delay on
 * the other), and a lost notification connection makes the cache stand aside, not lie.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, withPostgresDatabase } from '@acme/testing';
import { startTwoInstances, type LicensingClient, type TwoInstances } from '../../test/two-instances.js';

const database = await withPostgresDatabase('readcache');
let instances: TwoInstances;
let a: LicensingClient;
let b: LicensingClient;

beforeAll(async () => {
  if (database.skip) return;
  instances = await startTwoInstances(database.url);
  const token = await instances.token('usr_demo_goto_admin');
  a = instances.client(instances.services[0], token);
  b = instances.client(instances.services[1], token);
});

afterAll(() => instances?.stop());

const meetingSeats = async (client: LicensingClient) =>
  (await client.getSeatUsage({ productIds: ['goto_meeting'] })).products[0]!;
const purchase = (client: LicensingClient) =>
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
