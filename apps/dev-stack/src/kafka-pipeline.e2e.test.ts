/**
 * The platform as deployed, in one test process: the licensing service on PostgreSQL relaying its
 * outbox to Kafka (the mock broker), the billing consumer group reading it into its own ledger
 * database, and callers on the real gRPC socket. What a billing pipeline relies on: every
 * change arrives once in the ledger, in order, through broker outages, and the ledger can be
 * rebuilt from the topic exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LicensingService, QueueKind, QueueRole } from '@acme/contracts';
import { loadOrCreateDevKeys, signToken } from '@acme/auth';
import { createClient, type PromiseClient } from '@acme/grpc';
import { loadLicensingConfig, startLicensingService, type RunningLicensingService } from '@acme/licensing';
import { openDatabase, type Database } from '@acme/licensing-data-access';
import {
  loadBillingConfig,
  previewInvoice,
  replayAndCompare,
  startBillingService,
  type RunningBillingService,
} from '@acme/billing';
import { openLedgerDatabase } from '@acme/billing-data-access';
import { createKafka, licenseTopics } from '@acme/messaging';
import { withMockKafka } from '@acme/kafka-mock';
import { eventually, tempSqlitePath, withPostgresDatabase } from '@acme/testing';

const mock = withMockKafka({
  brokers: 3,
  topics: licenseTopics(6),
});
const licensingPg = await withPostgresDatabase('pipeline_licensing');
const billingPg = await withPostgresDatabase('pipeline_billing');
const skip = licensingPg.skip;
const logger = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'pipeline-'));
const GOTO = 'acct_demo_goto';
const GROUP = 'billing-pipeline-test';
const DAY = 86_400_000;
let clock = new Date('2026-11-03T09:00:00Z');

type Client = PromiseClient<(typeof LicensingService)['method']>;
let licensing: RunningLicensingService;
let billing: RunningBillingService;
let licensingDb: Database;
let goto: Client;

beforeAll(async () => {
  if (skip) return;
  const keys = await loadOrCreateDevKeys(join(dir, 'dev-jwks.json'));
  licensing = await startLicensingService({
    config: loadLicensingConfig({
      GRPC_PORT: '0',
      DATABASE_URL: licensingPg.url,
      KAFKA_BROKERS: mock.bootstrap.join(','),
      SEED_DEMO: 'true',
      LOG_LEVEL: 'silent',
      OUTBOX_POLL_MS: '100',
    }),
    logger,
    jwks: keys.publicJwks,
    now: () => clock,
  });
  billing = await startBillingService({
    config: loadBillingConfig({
      KAFKA_BROKERS: mock.bootstrap.join(','),
      KAFKA_GROUP_ID: GROUP,
      BILLING_DATABASE_URL: billingPg.url,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_HEARTBEAT_MS: '500',
      LOG_LEVEL: 'silent',
    }),
    logger,
  });
  licensingDb = await openDatabase({ databaseUrl: licensingPg.url, poolSize: 2 });
  const token = await signToken(keys.privateJwk, {
    subject: 'usr_demo_goto_admin',
    accountId: GOTO,
    issuer: 'acme-dev',
    audience: 'licensing',
  });
  goto = createClient(LicensingService, licensing.address, { token });
});

afterAll(async () => {
  goto?.close();
  await licensing?.stop();
  await billing?.stop();
  await licensingDb?.close();
  rmSync(dir, { recursive: true, force: true });
});

const until = (condition: () => boolean | Promise<boolean>, timeoutMs = 60_000) => eventually(condition, { timeoutMs });

/** Waits until the ledger holds every event of the account's outbox; returns both id lists. */
async function ledgerCaughtUp(accountId: string): Promise<{ outbox: string[]; ledger: string[] }> {
  let result = { outbox: [] as string[], ledger: [] as string[] };
  await until(async () => {
    const outbox = (await licensingDb.outbox.list(accountId)).map((e) => e.id);
    const ledger = (await billing.ledger.processedAfter(null, 100_000))
      .filter((e) => e.accountId === accountId)
      .map((e) => e.eventId);
    result = { outbox, ledger };
    return ledger.length >= outbox.length && outbox.length > 0;
  });
  return result;
}

describe.skipIf(skip)('licensing -> Kafka -> billing ledger', () => {
  it('turns an assignment made over gRPC into a ledger entry at the price it was made at', async () => {
    const user = (await goto.createUser({ email: 'pipeline@demo-goto.test', displayName: 'Pipe Line' })).user!;
    const assigned = await goto.assignLicenses({ userId: user.id, products: [{ productId: 'goto_meeting' }] });
    const assignmentId = assigned.results[0]!.assignment!.id;
    await until(async () => (await billing.ledger.entries(GOTO)).some((e) => e.assignmentId === assignmentId));
    const entry = (await billing.ledger.entries(GOTO)).find((e) => e.assignmentId === assignmentId)!;
    expect(entry).toMatchObject({
      kind: 'seat_opened',
      userId: user.id,
      productId: 'goto_meeting',
      unitPriceMinor: 1400,
      currency: 'USD',
      billingPeriod: 'month',
      effectiveAt: clock,
      reason: 'assigned',
    });
    const { outbox, ledger } = await ledgerCaughtUp(GOTO);
    expect(ledger.sort()).toEqual(outbox.sort());
  });

  it('keeps taking requests while the brokers are down, and delivers every event once when they return', async () => {
    const users = await Promise.all(
      [1, 2, 3].map(
        async (i) => (await goto.createUser({ email: `outage${i}@demo-goto.test`, displayName: `Outage ${i}` })).user!,
      ),
    );
    await mock.kafka.brokerDown('all');
    try {
      for (const user of users) {
        await goto.assignLicenses({ userId: user.id, products: [{ productId: 'goto_meeting' }] });
        await goto.updateFeatures({ userId: user.id, productId: 'goto_meeting', features: { hd_video: false } });
      }
      await goto.unassignLicenses({ userId: users[0]!.id, productIds: ['goto_meeting'] });
      await until(() => (licensing.relayStats()?.consecutiveFailures ?? 0) >= 2);
      expect((await licensingDb.outbox.backlog()).pending).toBeGreaterThanOrEqual(7);
      // Relay lag is visible where operators look: the Prometheus gauges.
      const metrics = await licensing.registry.metrics();
      expect(Number(/^outbox_pending_events (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(7);
      expect(Number(/^outbox_oldest_pending_age_seconds (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
      expect(metrics).toMatch(/^outbox_publish_failures_total [1-9]/m);
    } finally {
      await mock.kafka.brokerUp('all');
    }
    const { outbox, ledger } = await ledgerCaughtUp(GOTO);
    expect(ledger).toHaveLength(new Set(ledger).size);
    expect(ledger.sort()).toEqual(outbox.sort());
    const entries = await billing.ledger.entries(GOTO);
    expect(entries.filter((e) => e.userId === users[0]!.id).map((e) => e.kind)).toEqual(['seat_opened', 'seat_closed']);
    expect((await licensingDb.outbox.backlog()).pending).toBe(0);
  });

  it('bills Contact Center while the user is in a queue after Connect Standard is removed, and stops when they leave the last one', async () => {
    const dana = (await goto.createUser({ email: 'dana.pipeline@demo-goto.test', displayName: 'Dana Pipeline' })).user!;
    await goto.assignLicenses({
      userId: dana.id,
      products: [{ productId: 'goto_connect_standard' }, { productId: 'goto_contact_center' }],
    });
    const queue = (await goto.createQueue({ kind: QueueKind.CALL, name: 'Pipeline desk' })).queue!;
    await goto.addQueueMember({ queueId: queue.id, userId: dana.id, role: QueueRole.AGENT });

    clock = new Date(clock.getTime() + 5 * DAY); // Nov 8: Connect Standard goes, queues stay
    const removal = await goto.unassignLicenses({ userId: dana.id, productIds: ['goto_connect_standard'] });
    expect(removal.decision?.warnings.map((w) => w.ruleId)).toEqual([
      'contact-center.billing-continues-after-connect-removal',
    ]);
    await ledgerCaughtUp(GOTO);
    const stillBilled = previewInvoice(await billing.ledger.entries(GOTO), {
      accountId: GOTO,
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-12-01T00:00:00Z'),
    });
    const ccLine = () => stillBilled.lines.find((l) => l.kind === 'contact_center' && l.userId === dana.id);
    // Billable from Nov 3 and still open: Nov 3 .. Nov 30 = 28 days at 70.00 a month.
    expect(ccLine()).toMatchObject({
      productId: 'goto_contact_center',
      quantityDays: 28,
      charged: true,
      amountMinor: Math.round((7000 * 28) / 30),
    });

    clock = new Date(clock.getTime() + 2 * DAY); // Nov 10: removed from every queue
    await goto.removeUserFromAllQueues({ userId: dana.id });
    await ledgerCaughtUp(GOTO);
    const entries = await billing.ledger.entries(GOTO);
    expect(
      entries
        .filter((e) => e.userId === dana.id && e.kind.startsWith('cc_'))
        .map((e) => [e.kind, e.effectiveAt.toISOString()]),
    ).toEqual([
      ['cc_billing_started', '2026-11-03T09:00:00.000Z'],
      ['cc_billing_stopped', '2026-11-10T09:00:00.000Z'],
    ]);
    const stopped = previewInvoice(entries, {
      accountId: GOTO,
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-12-01T00:00:00Z'),
    });
    // Nov 3 .. Nov 9 held at the end of the day: 7 days.
    expect(stopped.lines.find((l) => l.kind === 'contact_center' && l.userId === dana.id)).toMatchObject({
      quantityDays: 7,
      amountMinor: Math.round((7000 * 7) / 30),
    });
  });

  it('rebuilds from the topic a ledger identical to the live one', async () => {
    const file = tempSqlitePath();
    const rebuilt = await openLedgerDatabase({ sqlitePath: file.path });
    try {
      await rebuilt.migrate();
      const report = await replayAndCompare({
        kafka: createKafka({ brokers: mock.bootstrap, clientId: 'replay-test', logger }),
        live: billing.ledger,
        rebuilt,
        groupId: GROUP,
        logger,
        waitForLiveMs: 30_000,
      });
      expect(report.differences).toEqual([]);
      expect(report).toMatchObject({ identical: true, liveCaughtUp: true });
      expect(report.rebuiltEvents).toBe(report.liveEvents);
      expect(report.liveEvents).toBe((await billing.ledger.counts()).processedEvents);
      expect(report.liveEntries).toBeGreaterThan(5);
    } finally {
      await rebuilt.close();
      file.remove();
    }
  });
});
