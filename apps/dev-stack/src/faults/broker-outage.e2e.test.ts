/**
 * Brokers going down and up while events are being published and the billing consumer is in the
 * middle of its batches (the relay side is covered by kafka-pipeline.e2e.test.ts): one broker
 * (its partition leaders move), then all of them twice, at chosen points of the stream. Every
 * event reaches the PostgreSQL ledger exactly once, every refused one reaches the dead-letter
 * topic, the group's lag returns to 0, and the ledger equals a clean replay of the topic. Each
 * outage costs a few warning lines in the log (one per Kafka client), not one error per retry.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { events } from '@acme/contracts';
import { loadBillingConfig, replayAndCompare, startBillingService, type RunningBillingService } from '@acme/billing';
import { openLedgerDatabase } from '@acme/billing-data-access';
import {
  createKafka,
  KafkaEventConsumer,
  KafkaPublisher,
  LICENSE_EVENTS_DLQ_TOPIC,
  LICENSE_EVENTS_TOPIC,
  TopicAdmin,
  type EventMessage,
  licenseTopics,
} from '@acme/messaging';
import { withMockKafka } from '@acme/kafka-mock';
import { eventually, licenseEventMessages, tempSqlitePath, withPostgresDatabase } from '@acme/testing';

const mock = withMockKafka({
  brokers: 3,
  topics: licenseTopics(6),
});
const pg = await withPostgresDatabase('brokeroutage');
const GROUP = 'broker-outage-test';
const VALID = 3_000;
const CHUNK = 50;
/** Every warning and error the billing service and the test's Kafka clients log, in order. */
const loud: { level: number; msg: string; component?: string; namespace?: string }[] = [];
const logger = pino(
  { level: 'warn' },
  { write: (line: string) => void loud.push(JSON.parse(line) as (typeof loud)[number]) },
);
/**
 * Kafka clients that see the outages: the billing service's, the dead-letter reader's and the
 * publisher's. Each may say once that brokers are unreachable; the rest of the bound leaves room
 * for the group settling afterwards (rebalance notices, an uncommitted chunk read again). Before
 * kafkajs' log went through KafkaLog, every retry of every client was an error line.
 */
const WARNINGS_PER_OUTAGE = 3 + 6;
const kafka = () => createKafka({ brokers: mock.bootstrap, clientId: 'broker-outage-test', logger });
let billing: RunningBillingService;
let dlqReader: KafkaEventConsumer;
const deadLetterIds = new Set<string>();

beforeAll(async () => {
  if (pg.skip) return;
  billing = await startBillingService({
    config: loadBillingConfig({
      KAFKA_BROKERS: mock.bootstrap.join(','),
      KAFKA_GROUP_ID: GROUP,
      BILLING_DATABASE_URL: pg.url,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_HEARTBEAT_MS: '500',
      BILLING_BATCH_SIZE: '20',
      LOG_LEVEL: 'silent',
    }),
    logger,
  });
  dlqReader = new KafkaEventConsumer(kafka(), {
    groupId: 'broker-outage-dlq',
    logger,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
  });
  await dlqReader.consume(LICENSE_EVENTS_DLQ_TOPIC, async (batch) =>
    batch.forEach((m) => deadLetterIds.add(m.headers?.['x-test-message'] ?? '')),
  );
});
afterAll(async () => {
  await dlqReader?.stop();
  await billing?.stop();
});

/** The valid events, with a refused one (no event id) after every 50th. */
function stream(): { messages: EventMessage[]; valid: string[]; refused: string[] } {
  const valid = licenseEventMessages(VALID, { accounts: 24, prefix: 'outage' });
  const messages: EventMessage[] = [];
  const refused: string[] = [];
  valid.forEach((m, i) => {
    messages.push({ key: m.key, value: m.value, headers: { 'x-test-message': m.eventId } });
    if (i % 50 === 49) {
      const broken = fromBinary(events.EventEnvelopeSchema, m.value);
      broken.eventId = '';
      refused.push(`refused-${i}`);
      messages.push({
        key: m.key,
        value: toBinary(events.EventEnvelopeSchema, create(events.EventEnvelopeSchema, broken)),
        headers: { 'x-test-message': `refused-${i}` },
      });
    }
  });
  return { messages, valid: valid.map((m) => m.eventId), refused };
}

/** Publishes in chunks, each retried until the brokers take it (so some may land twice). */
async function publishThroughOutages(messages: EventMessage[]): Promise<number> {
  const publisher = new KafkaPublisher(kafka());
  let failures = 0;
  try {
    for (let i = 0; i < messages.length; i += CHUNK) {
      for (;;) {
        try {
          await publisher.publish(LICENSE_EVENTS_TOPIC, messages.slice(i, i + CHUNK));
          break;
        } catch {
          failures++;
          await sleep(200);
        }
      }
      await sleep(150); // a steady stream (about 12 s), so the outages fall in the middle of it
    }
  } finally {
    await publisher.close();
  }
  return failures;
}

const processed = async () => (await billing.ledger.counts()).processedEvents;

describe.skipIf(pg.skip)('brokers down and up while publishing and consuming', () => {
  it('loses nothing, doubles nothing and catches up', { timeout: 240_000 }, async () => {
    const { messages, valid, refused } = stream();
    const publishing = publishThroughOutages(messages);
    const outages: string[] = [];
    /** Where each outage's lines begin in `loud`: an outage's lines run up to the next one's. */
    const windows: { name: string; from: number }[] = [];
    const outage = async (atShare: number, broker: number | 'all', ms: number) => {
      await eventually(async () => (await processed()) >= atShare * VALID, { timeoutMs: 120_000, intervalMs: 10 });
      const down = await processed();
      windows.push({ name: `broker ${broker} down ${ms} ms`, from: loud.length });
      await mock.kafka.brokerDown(broker);
      await sleep(ms);
      await mock.kafka.brokerUp(broker);
      outages.push(`broker ${broker} down ${ms} ms at ${down} recorded (${await processed()} when it came back)`);
    };
    await outage(0.1, 1, 2_000);
    await outage(0.35, 'all', 4_000);
    await outage(0.7, 'all', 1_500);
    const publishFailures = await publishing;

    await eventually(async () => (await processed()) >= VALID, {
      timeoutMs: 120_000,
      what: 'every valid event recorded',
    });
    const admin = new TopicAdmin(kafka());
    await eventually(async () => (await admin.groupLag(LICENSE_EVENTS_TOPIC, GROUP)).every((p) => p.lag === 0n), {
      timeoutMs: 60_000,
      what: 'lag 0',
    });
    const onTopic = (await admin.watermarks(LICENSE_EVENTS_TOPIC)).reduce((sum, p) => sum + Number(p.high), 0);
    await admin.close();
    await eventually(() => refused.every((id) => deadLetterIds.has(id)), {
      timeoutMs: 30_000,
      what: 'every refused event dead-lettered',
    });
    // Counted in log lines, not time: from each outage's start to the next one's (the last one's
    // up to now, every event recorded and dead-lettered). Dead-lettering is logged on purpose.
    const perOutage = windows.map(({ name, from }, i) => ({
      name,
      lines: loud.slice(from, windows[i + 1]?.from ?? loud.length).filter((l) => !/dead-letter/.test(l.msg)),
    }));
    const tally = perOutage.map(
      ({ name, lines }) =>
        `${name}: ${lines.filter((l) => l.level === 40).length} warn, ${lines.filter((l) => l.level >= 50).length} error`,
    );
    console.info(
      `broker outage: ${outages.join('; ')}; ${publishFailures} failed publishes retried; ${onTopic} ` +
        `messages on the topic for ${messages.length}; ${JSON.stringify(billing.stats())}; log lines: ` +
        `${tally.join('; ')}`,
    );
    for (const { name, lines } of perOutage) {
      expect(
        lines.length,
        `${name}: ${JSON.stringify(lines.map((l) => `${l.level} ${l.namespace ?? ''} ${l.msg}`))}`,
      ).toBeLessThanOrEqual(WARNINGS_PER_OUTAGE);
      expect({ name, errors: lines.filter((l) => l.level >= 50).map((l) => l.msg) }).toEqual({ name, errors: [] });
    }

    expect(await billing.ledger.counts()).toEqual({ processedEvents: VALID, ledgerEntries: VALID });
    expect((await billing.ledger.processedAfter(null, 100_000)).map((e) => e.eventId).sort()).toEqual(
      [...valid].sort(),
    );
    expect([...deadLetterIds].filter((id) => !refused.includes(id))).toEqual([]);

    const file = tempSqlitePath();
    const rebuilt = await openLedgerDatabase({ sqlitePath: file.path });
    try {
      await rebuilt.migrate();
      const replay = await replayAndCompare({
        kafka: kafka(),
        live: billing.ledger,
        rebuilt,
        groupId: GROUP,
        logger,
        waitForLiveMs: 30_000,
      });
      expect(replay.differences).toEqual([]);
      expect(replay).toMatchObject({ identical: true, liveEvents: VALID, rebuiltEvents: VALID });
    } finally {
      await rebuilt.close();
      file.remove();
    }
  });
});
