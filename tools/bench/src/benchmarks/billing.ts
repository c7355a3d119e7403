import pg from 'pg';
import { pino } from 'pino';
import { startMockKafka } from '@acme/kafka-mock';
import { createKafka, KafkaPublisher, LICENSE_EVENTS_DLQ_TOPIC, LICENSE_EVENTS_TOPIC } from '@acme/messaging';
import { createTestPostgres, licenseEventMessages, type TestDatabase } from '@acme/testing';
import { runLoad } from '../lib/load-process.js';
import { cpuMicros, memoryMiB, startApp, waitFor } from '../lib/processes.js';
import { median, medianRatio, spread } from '../lib/stats.js';
import { table, verdict, type BenchmarkSection } from '../lib/report.js';

const EVENTS = 100_000;
/** Every tenth event is on the topic twice (a redelivery), so dedupe is exercised too. */
const DUPLICATE_EVERY = 10;

/**
 * Target 4: events per second from the topic to committed ledger rows reach at least 50% of a
 * bare kafkajs eachBatch consumer reading the same topic in the same run, with dedupe exact.
 */
export async function billingBenchmark(runs: number): Promise<BenchmarkSection> {
  const kafka = await startMockKafka({ brokers: 3, topics: [{ name: LICENSE_EVENTS_TOPIC, partitions: 12 }, { name: LICENSE_EVENTS_DLQ_TOPIC, partitions: 1 }] });
  const brokers = kafka.bootstrap.join(',');
  const databases: TestDatabase[] = [];
  try {
    const messages = licenseEventMessages(EVENTS, { accounts: 200, prefix: 'bench' });
    const onTopic = messages.flatMap((m, i) => (i % DUPLICATE_EVERY === 0 ? [m, m] : [m]));
    const publisher = new KafkaPublisher(createKafka({ brokers: kafka.bootstrap, clientId: 'bench-billing', logger: pino({ level: 'silent' }) }));
    for (let i = 0; i < onTopic.length; i += 2_000) await publisher.publish(LICENSE_EVENTS_TOPIC, onTopic.slice(i, i + 2_000));
    await publisher.close();

    const bare: number[] = [];
    const billing: number[] = [];
    const cpuPerEvent: number[] = [];
    const peakRss: number[] = [];
    for (let run = 0; run < runs; run++) {
      const baseline = await runLoad<{ messages: number; seconds: number }>('bare-consumer.ts', { KAFKA_BROKERS: brokers, TOPIC: LICENSE_EVENTS_TOPIC, GROUP: `bare-${run}`, EXPECTED: String(onTopic.length) });
      bare.push(baseline.messages / baseline.seconds);

      const ledger = await createTestPostgres('bench_ledger');
      databases.push(ledger);
      const consumer = await startApp('billing-consumer', {
        KAFKA_BROKERS: brokers, KAFKA_GROUP_ID: `billing-${run}`, BILLING_DATABASE_URL: ledger.url, KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_MS: '500', LOG_LEVEL: 'warn',
      });
      try {
        const client = new pg.Client({ connectionString: ledger.url });
        await waitFor(async () => (await client.connect().then(() => true, () => false)), 'ledger database');
        const counts = async () => (await client.query<{ events: string; entries: string; first: Date | null; last: Date | null }>(
          'select (select count(*) from processed_event) as events, (select count(*) from ledger_entry) as entries, (select min(processed_at) from processed_event) as first, (select max(processed_at) from processed_event) as last',
        )).rows[0]!;
        const cpuBefore = cpuMicros(consumer.pid);
        await waitFor(async () => Number((await counts().catch(() => ({ events: '0' }))).events) >= EVENTS, `billing consumer (${consumer.stderr()})`, 300_000);
        const result = await counts();
        await client.end();
        if (Number(result.events) !== EVENTS || Number(result.entries) !== EVENTS) throw new Error(`ledger holds ${result.events} events and ${result.entries} entries, expected ${EVENTS} of each`);
        // From the first batch's commit to the last: the topic's messages (duplicates included) per second.
        const seconds = (result.last!.getTime() - result.first!.getTime()) / 1000;
        billing.push(onTopic.length / seconds);
        cpuPerEvent.push((cpuMicros(consumer.pid) - cpuBefore) / onTopic.length);
        peakRss.push(memoryMiB(consumer.pid).peak);
      } finally {
        await consumer.stop();
      }
    }
    const ratio = medianRatio(billing, bare);
    return {
      id: 'billing',
      title: '4. Billing: topic to committed ledger rows',
      command: `npm run bench -- billing --runs ${runs}`,
      body: [
        `${onTopic.length} messages on license-events (mock broker, 3 brokers, 12 partitions): ${EVENTS} assignment events over 200 accounts, every ${DUPLICATE_EVERY}th twice. Each run: a bare kafkajs eachBatch consumer (counts only) and the billing consumer process (BILLING_BATCH_SIZE default, ledger on a fresh PostgreSQL database), each in a new group reading from the beginning; rates from first to last message (bare) and first to last ledger commit (billing). After each run the ledger holds exactly ${EVENTS} events and ${EVENTS} entries.`,
        '',
        table(['consumer', 'messages/s (median)', 'spread', 'ratio to bare'], [
          ['bare kafkajs eachBatch (ceiling)', Math.round(median(bare)), spread(bare).text, '1.00'],
          ['billing consumer to committed ledger rows', Math.round(median(billing)), spread(billing).text, ratio.toFixed(2)],
        ]),
        '',
        `Billing consumer: ${median(cpuPerEvent).toFixed(0)} us of CPU per message, peak RSS ${median(peakRss).toFixed(0)} MiB.`,
        '',
        verdict(ratio >= 0.5, `billing at ${ratio.toFixed(2)} of the bare consumer (target >= 0.50), dedupe exact`),
      ].join('\n'),
    };
  } finally {
    await kafka.stop();
    for (const database of databases) await database.drop();
  }
}
