import { create, toBinary } from '@bufbuild/protobuf';
import { BulkMode, CheckEntitlementsRequestSchema, GetSeatUsageRequestSchema, LicensingService } from '@acme/contracts';
import { createClient, type PromiseClient } from '@acme/grpc';
import { createTestPostgres } from '@acme/testing';
import { startEmptyServer } from '../lib/empty-server.js';
import { h2load } from '../lib/h2load.js';
import { startLicensingProcess, type LicensingProcess } from '../lib/licensing-process.js';
import { median, medianRatio, percentile, spread } from '../lib/stats.js';
import { table, verdict, type BenchmarkSection } from '../lib/report.js';

type Client = PromiseClient<(typeof LicensingService)['method']>;
const LOAD = { clients: 4, streams: 16, durationSeconds: 5, warmUpSeconds: 1 };
/** Users a bulk call changes, and the single calls it is compared with. */
const BULK_USERS = 1_000;
/** Single AssignLicenses calls in flight at once: a service calling us as fast as it can. */
const SINGLE_CONCURRENCY = 16;
/** Changes whose delivery to a watcher is timed. */
const WATCHED_CHANGES = 300;
const ACCOUNT = 'acct_demo_goto';
const PRODUCT = 'goto_meeting';

/**
 * Issue 20's figures, in one sitting on PostgreSQL:
 * - CheckEntitlements (one user, three products) answers from memory as fast as the service's
 *   cached read (GetSeatUsage, the same frame: token, scope, metrics): >= 0.9 of its rate, under
 *   the same h2load load; both are reported against the empty grpc-js handler too;
 * - BulkAssignLicenses of 1,000 users takes <= 1/5 of the time of 1,000 AssignLicenses calls
 *   made 16 at a time (the same rules, seat checks, audit and events per user);
 * - a change made through instance A reaches a WatchEntitlements stream on instance B (through
 *   the change feed) within 100 ms at p99, timed from A's answer to B's message.
 */
export async function entitlementsBenchmark(runs: number): Promise<BenchmarkSection> {
  const database = await createTestPostgres('bench_entitlements');
  const a = await startLicensingProcess({ DATABASE_URL: database.url, SEED_DEMO: 'true' });
  const b = await startLicensingProcess({ DATABASE_URL: database.url, SEED_DEMO: 'false' });
  const empty = await startEmptyServer(a.metricsPort + 1);
  const admin = { subject: 'usr_demo_goto_admin', accountId: ACCOUNT };
  const clientA = createClient(LicensingService, a.address, { token: await a.token(admin), timeoutMs: 120_000 });
  const clientB = createClient(LicensingService, b.address, { token: await b.token(admin), timeoutMs: 120_000 });
  try {
    const check = await checkRates(a, empty.address, runs);
    const users = await newUsers(clientA, 2 * BULK_USERS);
    await clientA.purchaseSeats({
      productId: PRODUCT,
      quantity: 2 * BULK_USERS + 10,
      expectedUnitPrice: { currencyCode: 'USD', amountMinor: 1400n },
    });
    const bulk = await bulkTimes(clientA, users, runs);
    const watch = await watchLatencies(clientA, clientB, users[0]!);
    const codes = { a: await a.callsByCode(), b: await b.callsByCode() };
    const refused = [...Object.entries(codes.a), ...Object.entries(codes.b)].filter(
      ([code]) => code !== 'OK' && code !== 'CANCELLED',
    );
    if (refused.length > 0) throw new Error(`calls answered other than OK: ${JSON.stringify(codes)}`);
    const checkRatio = medianRatio(check.rates.check, check.rates.empty);
    const checkToRead = medianRatio(check.rates.check, check.rates.seatUsage);
    const batchUsersRatio = medianRatio(check.rates.batch, check.rates.empty);
    const bulkRatio = medianRatio(bulk.single, bulk.bulk);
    const p99 = percentile(watch, 99);
    return {
      id: 'entitlements',
      title: '8. Entitlement checks, bulk changes and watchers',
      command: `npm run bench -- entitlements --runs ${runs}`,
      body: [
        `Two service processes on one PostgreSQL (A seeded with the demo accounts), LOG_LEVEL=warn, ${runs} runs. ` +
          `Checks: h2load, ${LOAD.clients} connections x ${LOAD.streams} streams, ${LOAD.durationSeconds} s per ` +
          `run after ${LOAD.warmUpSeconds} s warm-up, alternating with the empty grpc-js handler. Bulk: ` +
          `${BULK_USERS} users given ${PRODUCT} in one BulkAssignLicenses (best effort, all applied) against ` +
          `${BULK_USERS} other users given it by AssignLicenses, ${SINGLE_CONCURRENCY} calls in flight; ` +
          `both then removed (BulkUnassignLicenses) before the next run. Watch: ${WATCHED_CHANGES} changes made ` +
          `one after the other through A, each timed from A's answer to the change's message on a ` +
          `WatchEntitlements stream opened on B. Every call answered OK.`,
        '',
        table(
          ['target', 'median', 'spread', 'ratio'],
          [
            [
              'empty grpc-js handler (ceiling), calls/s',
              Math.round(median(check.rates.empty)),
              spread(check.rates.empty).text,
              '1.00',
            ],
            [
              'GetSeatUsage (a cached read through the same frame), calls/s',
              Math.round(median(check.rates.seatUsage)),
              spread(check.rates.seatUsage).text,
              medianRatio(check.rates.seatUsage, check.rates.empty).toFixed(2),
            ],
            [
              'CheckEntitlements, 1 user x 3 products, calls/s',
              Math.round(median(check.rates.check)),
              spread(check.rates.check).text,
              checkRatio.toFixed(2),
            ],
            [
              `CheckEntitlements, ${check.batchUsers} users x 3 products, calls/s`,
              Math.round(median(check.rates.batch)),
              spread(check.rates.batch).text,
              batchUsersRatio.toFixed(2),
            ],
            [`${BULK_USERS} x AssignLicenses, s`, median(bulk.single).toFixed(2), spread(bulk.single).text, '-'],
            [
              `BulkAssignLicenses of ${BULK_USERS} users, s`,
              median(bulk.bulk).toFixed(2),
              spread(bulk.bulk).text,
              `${bulkRatio.toFixed(1)}x faster`,
            ],
            [
              'change on A to message on B, ms (p50 / p99 / max)',
              `${percentile(watch, 50).toFixed(1)} / ${p99.toFixed(1)} / ${Math.max(...watch).toFixed(1)}`,
              '-',
              '-',
            ],
          ],
        ),
        '',
        verdict(
          checkToRead >= 0.9,
          `CheckEntitlements at ${checkToRead.toFixed(2)} of GetSeatUsage's rate, ${checkRatio.toFixed(2)} of the ` +
            `empty handler's (target: as fast as a cached read, >= 0.90 of it)`,
        ),
        '',
        verdict(bulkRatio >= 5, `BulkAssignLicenses ${bulkRatio.toFixed(1)}x faster than single calls (target >= 5x)`),
        '',
        verdict(
          p99 <= 100,
          `a change reaches another instance's watcher at p99 ${p99.toFixed(1)} ms (target <= 100 ms)`,
        ),
      ].join('\n'),
    };
  } finally {
    clientA.close();
    clientB.close();
    await empty.stop();
    await b.stop();
    await a.stop();
    await database.drop();
  }
}

/** CheckEntitlements calls/s (one user; a batch of every demo user) against the empty handler's. */
async function checkRates(service: LicensingProcess, emptyAddress: string, runs: number) {
  const token = await service.token({ subject: 'usr_demo_goto_admin', accountId: ACCOUNT });
  const headers = { authorization: `Bearer ${token}` };
  const queries = ['goto_connect_standard', 'goto_contact_center', PRODUCT].map((productId) => ({ productId }));
  const client = createClient(LicensingService, service.address, { token });
  const { users } = await client.listUsers({ pageSize: 100 });
  // Each check must really succeed before we measure it.
  const one = await client.checkEntitlements({ userIds: ['usr_demo_goto_agent'], queries });
  if (!one.results.some((r) => r.entitled)) throw new Error('the agent should be entitled to something');
  client.close();
  const request = (userIds: string[]) =>
    toBinary(CheckEntitlementsRequestSchema, create(CheckEntitlementsRequestSchema, { userIds, queries }));
  const path = `/${LicensingService.typeName}/CheckEntitlements`;
  const targets = {
    empty: { address: emptyAddress, path: '/bench.Empty/Call', request: new Uint8Array(), headers: {} },
    check: { address: service.address, path, request: request(['usr_demo_goto_agent']), headers },
    batch: { address: service.address, path, request: request(users.map((u) => u.id)), headers },
    // The service's own cached read, through the same frame (token, scope, metrics): its ceiling.
    seatUsage: {
      address: service.address,
      path: `/${LicensingService.typeName}/GetSeatUsage`,
      request: toBinary(GetSeatUsageRequestSchema, create(GetSeatUsageRequestSchema, {})),
      headers,
    },
  };
  const rates: Record<keyof typeof targets, number[]> = { empty: [], check: [], batch: [], seatUsage: [] };
  for (let run = 0; run < runs; run++) {
    for (const name of Object.keys(targets) as (keyof typeof targets)[]) {
      const result = await h2load({ ...targets[name], ...LOAD });
      if (result.failed > 0) throw new Error(`${name}: ${result.failed} requests failed at the HTTP level`);
      rates[name].push(result.requestsPerSecond);
    }
  }
  return { rates, batchUsers: users.length };
}

async function newUsers(client: Client, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += SINGLE_CONCURRENCY) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(SINGLE_CONCURRENCY, count - i) }, (_, j) =>
        client.createUser({ email: `bench${i + j}@demo-goto.test`, displayName: `Bench ${i + j}` }),
      ),
    );
    ids.push(...batch.map((r) => r.user!.id));
  }
  return ids;
}

/** Seconds for BULK_USERS single AssignLicenses (16 in flight) and for one bulk call, per run. */
async function bulkTimes(client: Client, users: string[], runs: number) {
  const [singles, bulks] = [users.slice(0, BULK_USERS), users.slice(BULK_USERS, 2 * BULK_USERS)];
  const times = { single: [] as number[], bulk: [] as number[] };
  const products = [{ productId: PRODUCT }];
  for (let run = 0; run < runs; run++) {
    let started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: SINGLE_CONCURRENCY }, async () => {
        while (next < singles.length) await client.assignLicenses({ userId: singles[next++]!, products });
      }),
    );
    times.single.push((performance.now() - started) / 1000);
    started = performance.now();
    const bulk = await client.bulkAssignLicenses({ userIds: bulks, products, mode: BulkMode.BEST_EFFORT });
    times.bulk.push((performance.now() - started) / 1000);
    if (bulk.appliedCount !== BULK_USERS) throw new Error(`bulk applied ${bulk.appliedCount} of ${BULK_USERS}`);
    for (const userIds of [singles, bulks])
      await client.bulkUnassignLicenses({ userIds, productIds: [PRODUCT], mode: BulkMode.ALL_OR_NOTHING });
  }
  return times;
}

/** Milliseconds from A's answer to B's watch message, for WATCHED_CHANGES changes made one after the other. */
async function watchLatencies(a: Client, b: Client, userId: string): Promise<number[]> {
  const stream = b.watchEntitlements({});
  const received: number[] = [];
  // Wakes the loop below when a message arrives (no polling: the bench shares the cores).
  let arrived: () => void = () => undefined;
  const next = () => new Promise<void>((resolve) => (arrived = resolve));
  let snapshot = false;
  const reading = (async () => {
    for await (const message of stream) {
      if (message.event.case === 'snapshot' && message.event.value.last) snapshot = true;
      if (message.event.case === 'change') received.push(performance.now());
      arrived();
    }
  })().catch(() => undefined);
  while (!snapshot) await next();
  const answered: number[] = [];
  for (let i = 0; i < WATCHED_CHANGES; i++) {
    if (i % 2 === 0) await a.assignLicenses({ userId, products: [{ productId: PRODUCT }] });
    else await a.unassignLicenses({ userId, productIds: [PRODUCT] });
    answered.push(performance.now());
    // One change at a time: the next is made once this one arrived, so each is timed alone.
    while (received.length <= i) await next();
  }
  stream.cancel();
  await reading;
  return answered.map((t, i) => Math.max(0, received[i]! - t));
}
