/**
 * Billing consumers in one Kafka consumer group, on the mock broker and the real PostgreSQL:
 * they split the partitions, a leaving member's partitions continue from the committed offsets,
 * and a malformed message goes to the dead-letter topic without stopping anything.
 */
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { withMockKafka } from '@acme/kafka-mock';
import {
  createKafka,
  KafkaPublisher,
  LICENSE_EVENTS_DLQ_TOPIC,
  LICENSE_EVENTS_TOPIC,
  readTopicSnapshot,
  type ConsumedMessage,
  licenseTopics,
} from '@acme/messaging';
import { eventually, licenseEventMessages, withPostgresDatabase } from '@acme/testing';
import { loadBillingConfig } from '../config.js';
import { startBillingService, type RunningBillingService } from './billing-service.js';
import { DEAD_LETTER_HEADERS } from './dead-letter.js';

const mock = withMockKafka({
  brokers: 3,
  topics: licenseTopics(6),
});
const pg = await withPostgresDatabase('billinggroup');
const logger = pino({ level: 'silent' });
const running: RunningBillingService[] = [];
let publisher: KafkaPublisher;
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop().catch(() => undefined)));
  await publisher?.close();
});

const kafka = () => createKafka({ brokers: mock.bootstrap, clientId: 'group-test', logger });

async function member(): Promise<RunningBillingService> {
  const config = loadBillingConfig({
    KAFKA_BROKERS: mock.bootstrap.join(','),
    KAFKA_GROUP_ID: 'billing-group-test',
    BILLING_DATABASE_URL: pg.url,
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    KAFKA_HEARTBEAT_MS: '500',
    LOG_LEVEL: 'silent',
  });
  const service = await startBillingService({ config, logger });
  running.push(service);
  return service;
}

const until = (condition: () => boolean | Promise<boolean>, timeoutMs = 60_000) => eventually(condition, { timeoutMs });

describe.skipIf(pg.skip)('billing consumers in one group', () => {
  it('split the partitions, and the one that stays takes over from the committed offsets', async () => {
    publisher = new KafkaPublisher(kafka());
    const [a, b] = [await member(), await member()];
    const first = licenseEventMessages(600, { accounts: 24, prefix: 'first' });
    await publisher.publish(LICENSE_EVENTS_TOPIC, first);
    await until(async () => (await a.ledger.counts()).processedEvents === 600);
    // Both members did part of the work: the partitions were shared, not all given to one.
    expect(a.stats().recorded).toBeGreaterThan(0);
    expect(b.stats().recorded).toBeGreaterThan(0);
    expect(a.stats().recorded + b.stats().recorded).toBe(600);

    const assigned = async (member: RunningBillingService) =>
      Number(
        (await member.registry.getSingleMetric('billing_consumer_assigned_partitions')!.get()).values[0]?.value ?? -1,
      );
    expect((await assigned(a)) + (await assigned(b))).toBe(6);

    await b.stop();
    running.splice(running.indexOf(b), 1);
    // Once the group has settled the one that stays holds every partition; events published while
    // it rejoined could be handled, refused their commit by the rebalance and read again.
    await until(async () => (await assigned(a)) === 6);
    const second = licenseEventMessages(400, { accounts: 24, prefix: 'second' });
    await publisher.publish(LICENSE_EVENTS_TOPIC, second);
    await until(async () => (await a.ledger.counts()).processedEvents === 1000);
    // The remaining member started from the committed offsets: it re-read nothing of the first 600
    // (a clean leave commits first), and the ledger holds every event exactly once.
    expect(a.stats().duplicates).toBe(0);
    expect(await a.ledger.counts()).toEqual({ processedEvents: 1000, ledgerEntries: 1000 });
    const lag = await a.registry.getSingleMetricAsString('billing_consumer_lag');
    expect(lag).toMatch(/billing_consumer_lag\{partition="0"\} 0/);
  });

  it('sends a malformed message to the dead-letter topic with the reason, and goes on', async () => {
    const service = running[0]!;
    const before = (await service.ledger.counts()).processedEvents;
    const [valid] = licenseEventMessages(1, { prefix: 'after-garbage' });
    await publisher.publish(LICENSE_EVENTS_TOPIC, [
      { key: 'acct_garbage', value: new TextEncoder().encode('not a protobuf at all \u0000\uffff') },
      valid!,
    ]);
    await until(async () => (await service.ledger.counts()).processedEvents === before + 1);
    const dead: ConsumedMessage[] = [];
    await until(async () => {
      dead.length = 0;
      await readTopicSnapshot(kafka(), LICENSE_EVENTS_DLQ_TOPIC, async (batch) => void dead.push(...batch), { logger });
      return dead.length > 0;
    });
    expect(dead[0]!.key).toBe('acct_garbage');
    expect(dead[0]!.headers![DEAD_LETTER_HEADERS.reason]).toMatch(/^(undecodable: |missing event_id)/);
    expect(dead[0]!.headers![DEAD_LETTER_HEADERS.topic]).toBe(LICENSE_EVENTS_TOPIC);
    expect(service.stats().deadLettered).toBe(1);
  });
});
