/**
 * The licensing service as a real process (apps/licensing-service), relaying its outbox to Kafka
 * (the mock broker, slowed down so relaying a backlog takes a while), SIGKILLed three times while
 * the relay is publishing and started again each time. The rest gets published, and the billing ledger holds
 * every outbox event exactly once, though the topic may carry some twice (a batch published but
 * not yet marked when the process died).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LicensingService } from '@acme/contracts';
import { loadOrCreateDevKeys, signToken } from '@acme/auth';
import { createClient } from '@acme/grpc';
import { loadBillingConfig, startBillingService, type RunningBillingService } from '@acme/billing';
import { createKafka, LICENSE_EVENTS_TOPIC, TopicAdmin, licenseTopics } from '@acme/messaging';
import { withMockKafka } from '@acme/kafka-mock';
import { eventually, startNodeProcess, withPostgresDatabase, type NodeProcess } from '@acme/testing';

const mock = withMockKafka({
  brokers: 3,
  topics: licenseTopics(6),
});
const licensingPg = await withPostgresDatabase('relaykill_licensing');
const billingPg = await withPostgresDatabase('relaykill_billing');
const skip = licensingPg.skip;
const dir = mkdtempSync(join(tmpdir(), 'relay-kill-'));
const GOTO = 'acct_demo_goto';
const USERS = 240;
const KILLS = 3;
const BILLING_GROUP = 'relay-kill-test';
let billing: RunningBillingService;
let licensing: NodeProcess | null = null;
let db: pg.Client;
let privateJwk: Awaited<ReturnType<typeof loadOrCreateDevKeys>>['privateJwk'];

beforeAll(async () => {
  if (skip) return;
  const keys = await loadOrCreateDevKeys(join(dir, 'dev-keys.json'));
  privateJwk = keys.privateJwk;
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify(keys.publicJwks));
  billing = await startBillingService({
    config: loadBillingConfig({
      KAFKA_BROKERS: mock.bootstrap.join(','),
      KAFKA_GROUP_ID: BILLING_GROUP,
      BILLING_DATABASE_URL: billingPg.url,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_HEARTBEAT_MS: '500',
      LOG_LEVEL: 'silent',
    }),
    logger: pino({ level: 'silent' }),
  });
  db = new pg.Client({ connectionString: licensingPg.url });
  await db.connect();
});
afterAll(async () => {
  await licensing?.kill();
  await db?.end();
  await billing?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts apps/licensing-service; resolves once it listens, with its address. */
async function startLicensing(): Promise<string> {
  licensing = startNodeProcess('apps/licensing-service/src/main.ts', {
    DATABASE_URL: licensingPg.url,
    KAFKA_BROKERS: mock.bootstrap.join(','),
    JWT_JWKS_FILE: join(dir, 'jwks.json'),
    GRPC_PORT: '0',
    SEED_DEMO: 'true',
    OUTBOX_BATCH_SIZE: '10',
    OUTBOX_POLL_MS: '100',
    LOG_LEVEL: 'info',
  });
  const line = await licensing.waitForLine(/licensing service listening/);
  return (JSON.parse(line) as { address: string }).address;
}

async function pending(): Promise<number> {
  return Number(
    (await db.query<{ n: string }>('select count(*) as n from outbox_event where published_at is null')).rows[0]!.n,
  );
}

/** Creates `count` users with a license each, six at a time. */
async function createLoad(address: string, count: number): Promise<void> {
  const token = await signToken(privateJwk, {
    subject: 'usr_demo_goto_admin',
    accountId: GOTO,
    issuer: 'acme-dev',
    audience: 'licensing',
  });
  const client = createClient(LicensingService, address, { token, timeoutMs: 30_000 });
  let next = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (next < count) {
        const i = next++;
        await client.createUser({
          email: `relay-kill-${i}@demo-goto.test`,
          displayName: `Relay Kill ${i}`,
          products: [{ productId: 'goto_meeting' }],
        });
      }
    }),
  );
  client.close();
}

describe.skipIf(skip)('licensing service killed while its relay publishes', () => {
  it(
    'publishes the rest after each restart, and the ledger has every outbox event exactly once',
    { timeout: 240_000 },
    async () => {
      const address = await startLicensing();
      await db.query(
        `update subscription set purchased_seats = purchased_seats + 1000 where account_id = $1 and product_id = 'goto_meeting'`,
        [GOTO],
      );
      // The events pile up in the outbox while the brokers are down; then slow brokers make every
      // batch of 10 take long enough to be caught in the middle of its publish.
      await mock.kafka.brokerDown('all');
      await createLoad(address, USERS);
      await mock.kafka.setRtt('all', 100);
      await mock.kafka.brokerUp('all');

      const killedWithPending: number[] = [];
      for (let kill = 0; kill < KILLS; kill++) {
        if (kill > 0) await startLicensing();
        const published = licensing!.lines.filter((l) => l.includes('outbox events published')).length;
        await licensing!.waitForLine(/outbox events published/);
        await eventually(
          () => licensing!.lines.filter((l) => l.includes('outbox events published')).length > published + 1,
          { timeoutMs: 30_000 },
        );
        await sleep(Math.random() * 60);
        expect((await licensing!.kill('SIGKILL')).signal).toBe('SIGKILL');
        killedWithPending.push(await pending());
      }
      expect(
        killedWithPending.every((n) => n > 0),
        `events left in the outbox at each kill: ${killedWithPending}`,
      ).toBe(true);

      await mock.kafka.setRtt('all', 0);
      await startLicensing();
      await eventually(async () => (await pending()) === 0, {
        timeoutMs: 120_000,
        what: 'the outbox drained after the restarts',
      });
      const outbox = (await db.query<{ id: string }>('select id from outbox_event')).rows.map((r) => r.id).sort();
      await eventually(async () => (await billing.ledger.counts()).processedEvents >= outbox.length, {
        timeoutMs: 60_000,
        what: 'the ledger caught up',
      });
      // Every message on the topic (those published twice included) handled and committed: the
      // duplicates are all counted, and anything recorded twice has shown up now.
      const admin = new TopicAdmin(
        createKafka({ brokers: mock.bootstrap, clientId: 'relay-kill-test', logger: pino({ level: 'silent' }) }),
      );
      let onTopic: number;
      try {
        await eventually(
          async () => (await admin.groupLag(LICENSE_EVENTS_TOPIC, BILLING_GROUP)).every((p) => p.lag === 0n),
          { timeoutMs: 60_000, what: 'every message on the topic handled' },
        );
        onTopic = (await admin.watermarks(LICENSE_EVENTS_TOPIC)).reduce((sum, p) => sum + Number(p.high), 0);
      } finally {
        await admin.close();
      }

      const ledger = (await billing.ledger.processedAfter(null, 100_000)).map((e) => e.eventId).sort();
      expect(ledger).toEqual(outbox);
      expect((await billing.ledger.counts()).processedEvents).toBe(outbox.length);
      console.info(
        `relay kill: ${outbox.length} outbox events, ${onTopic} messages on the topic, pending at the kills ${killedWithPending.join(', ')}`,
      );
      expect(onTopic).toBeGreaterThanOrEqual(outbox.length);
      expect(billing.stats().duplicates).toBe(onTopic - outbox.length);
    },
  );
});
