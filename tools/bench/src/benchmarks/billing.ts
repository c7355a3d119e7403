import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { pino } from 'pino';
import { loadBillingConfig } from '@acme/billing';
import { openLedgerDatabase } from '@acme/billing-data-access';
import { startMockKafka } from '@acme/kafka-mock';
import { createKafka, KafkaPublisher, LICENSE_EVENTS_TOPIC, licenseTopics } from '@acme/messaging';
import { createTestPostgres, licenseEventMessages, type TestDatabase } from '@acme/testing';
import { runLoad } from '../lib/load-process.js';
import { cpuMicros, memoryMiB, startApp, waitFor } from '../lib/processes.js';
import { median, medianRatio, spread } from '../lib/stats.js';
import { table, verdict, type BenchmarkSection } from '../lib/report.js';

const EVENTS = 100_000;
/** Every tenth event is on the topic twice (a redelivery), so dedupe is exercised too. */
const DUPLICATE_EVERY = 10;
const TARGET = 0.6;

/** What a ledger holds, for comparing two: counts, first and last recording, and checksums of the rows. */
interface LedgerSummary {
  events: number;
  entries: number;
  first: Date | null;
  last: Date | null;
  eventsSum: string;
  entriesSum: string;
}

/**
 * Every column of both tables but processed_at (when it was recorded), in key order, through
 * md5: two ledgers with the same sums hold the same rows.
 */
const SUMMARY_SQL = `select
  (select count(*) from processed_event) as events, (select count(*) from ledger_entry) as entries,
  (select min(processed_at) from processed_event) as first, (select max(processed_at) from processed_event) as last,
  (select md5(string_agg(row(event_id, account_id, sequence, event_type, outcome, topic, topic_partition, topic_offset)::text, E'\\n'
    order by event_id)) from processed_event) as events_sum,
  (select md5(string_agg(row(id, event_id, account_id, sequence, kind, product_id, user_id, assignment_id, quantity, unit_price_minor, currency,
    billing_period, effective_at, reason)::text, E'\\n' order by id)) from ledger_entry) as entries_sum`;

async function summarize(url: string): Promise<LedgerSummary> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("set timezone = 'UTC'");
    type Row = {
      events: string;
      entries: string;
      first: Date | null;
      last: Date | null;
      events_sum: string | null;
      entries_sum: string | null;
    };
    const row = (await client.query<Row>(SUMMARY_SQL)).rows[0]!;
    const { first, last } = row;
    return {
      events: Number(row.events),
      entries: Number(row.entries),
      first,
      last,
      eventsSum: row.events_sum ?? '',
      entriesSum: row.entries_sum ?? '',
    };
  } finally {
    await client.end();
  }
}

/**
 * Waits until the ledger holds every event, counting them twice a second (the count costs
 * PostgreSQL a few milliseconds on the cores the consumer shares; the bare consumer stops by itself).
 */
async function untilRecorded(url: string, stderr: () => string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await waitFor(async () => client.connect().then(() => true), 'ledger database');
  try {
    const deadline = Date.now() + 300_000;
    while (
      Number((await client.query<{ n: string }>('select count(*) as n from processed_event')).rows[0]!.n) < EVENTS
    ) {
      if (Date.now() > deadline)
        throw new Error(`the billing consumer did not record ${EVENTS} events within 300 s (${stderr()})`);
      await sleep(500);
    }
  } finally {
    await client.end();
  }
}

/** A fresh ledger database with the ledger's tables, from its migrations. */
async function ledgerDatabase(name: string): Promise<TestDatabase> {
  const database = await createTestPostgres(name);
  const ledger = await openLedgerDatabase({ databaseUrl: database.url });
  await ledger.migrate();
  await ledger.close();
  return database;
}

/** Messages per second from the first recording to the last (processed_at is stamped per chunk, before its statement). */
const rateOf = (summary: LedgerSummary, messages: number) =>
  messages / ((summary.last!.getTime() - summary.first!.getTime()) / 1000);

/**
 * Target 4: events per second from the topic to committed ledger rows reach at least 60% of a
 * bare kafkajs consumer that writes the same rows with raw `pg` in chunks of the same size, in the
 * same run, with dedupe exact; after each run both ledgers must hold the same rows.
 */
export async function billingBenchmark(runs: number): Promise<BenchmarkSection> {
  const topics = licenseTopics(12);
  const kafka = await startMockKafka({ brokers: 3, topics });
  const brokers = kafka.bootstrap.join(',');
  const databases: TestDatabase[] = [];
  // The billing consumer's own defaults: the ceiling reads and writes in the same chunks.
  const config = loadBillingConfig({ KAFKA_BROKERS: brokers });
  try {
    const messages = licenseEventMessages(EVENTS, { accounts: 200, prefix: 'bench' });
    const onTopic = messages.flatMap((m, i) => (i % DUPLICATE_EVERY === 0 ? [m, m] : [m]));
    const publisher = new KafkaPublisher(
      createKafka({ brokers: kafka.bootstrap, clientId: 'bench-billing', logger: pino({ level: 'silent' }) }),
    );
    for (let i = 0; i < onTopic.length; i += 2_000)
      await publisher.publish(LICENSE_EVENTS_TOPIC, onTopic.slice(i, i + 2_000));
    await publisher.close();

    const bare: number[] = [];
    const billing: number[] = [];
    const bareCpu: number[] = [];
    const billingCpu: number[] = [];
    const peakRss: number[] = [];
    for (let run = 0; run < runs; run++) {
      const bareDb = await ledgerDatabase('bench_bare_ledger');
      databases.push(bareDb);
      const baseline = await runLoad<{ events: number; ownCpuMicros: number }>('bare-ledger-consumer.ts', {
        KAFKA_BROKERS: brokers,
        TOPIC: LICENSE_EVENTS_TOPIC,
        GROUP: `bare-${run}`,
        EXPECTED: String(EVENTS),
        DATABASE_URL: bareDb.url,
        BATCH_SIZE: String(config.BILLING_BATCH_SIZE),
        CONCURRENT_PARTITIONS: String(config.BILLING_CONCURRENT_PARTITIONS),
        FETCH_MAX_WAIT_MS: String(config.KAFKA_FETCH_MAX_WAIT_MS),
      });
      const bareLedger = await summarize(bareDb.url);
      bare.push(rateOf(bareLedger, onTopic.length));
      bareCpu.push(baseline.ownCpuMicros / onTopic.length);

      const ledger = await ledgerDatabase('bench_ledger');
      databases.push(ledger);
      const consumer = await startApp('billing-consumer', {
        KAFKA_BROKERS: brokers,
        KAFKA_GROUP_ID: `billing-${run}`,
        BILLING_DATABASE_URL: ledger.url,
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        KAFKA_HEARTBEAT_MS: '500',
        LOG_LEVEL: 'warn',
      });
      let served: LedgerSummary;
      try {
        await untilRecorded(ledger.url, () => consumer.stderr());
        served = await summarize(ledger.url);
        billingCpu.push(cpuMicros(consumer.pid) / onTopic.length);
        peakRss.push(memoryMiB(consumer.pid).peak);
      } finally {
        await consumer.stop();
      }
      for (const [what, summary] of [
        ['billing consumer', served],
        ['bare consumer', bareLedger],
      ] as const) {
        if (summary.events !== EVENTS || summary.entries !== EVENTS) {
          throw new Error(
            `the ${what}'s ledger holds ${summary.events} events and ${summary.entries} entries, expected ${EVENTS} of each`,
          );
        }
      }
      if (served.eventsSum !== bareLedger.eventsSum || served.entriesSum !== bareLedger.entriesSum) {
        const sums = `processed events ${served.eventsSum} against ${bareLedger.eventsSum}, entries ${served.entriesSum} against ${bareLedger.entriesSum}`;
        throw new Error(`run ${run + 1}: the two ledgers differ (${sums})`);
      }
      billing.push(rateOf(served, onTopic.length));
      await bareDb.drop();
      await ledger.drop();
      databases.length = 0;
    }
    const ratio = medianRatio(billing, bare);
    const paragraph = (...sentences: string[]) => sentences.join(' ');
    return {
      id: 'billing',
      title: '4. Billing: topic to committed ledger rows',
      command: `npm run bench -- billing --runs ${runs}`,
      body: [
        paragraph(
          `${onTopic.length} messages on license-events (mock broker, 3 brokers, 12 partitions): ${EVENTS} license.assigned events`,
          `over 200 accounts, every ${DUPLICATE_EVERY}th twice. Each run, each consumer in a new group reading from the beginning into a`,
          "fresh ledger database made by the ledger's migrations (same tables, constraints, indexes and triggers):",
        ),
        paragraph(
          "- the ceiling, `tools/bench/src/load/bare-ledger-consumer.ts`: kafkajs with the billing consumer's settings",
          `(chunks of ${config.BILLING_BATCH_SIZE} messages, offsets committed after each, ${config.BILLING_CONCURRENT_PARTITIONS} partitions at once,`,
          `fetch wait ${config.KAFKA_FETCH_MAX_WAIT_MS} ms, 256 KiB per partition); each envelope decoded with @bufbuild/protobuf, each chunk`,
          'written with raw `pg` in one transaction: its new events into processed_event (ON CONFLICT DO NOTHING), then their',
          'entries into ledger_entry, each as unnest of one array per column; no validation, no dead letters, no metrics;',
        ),
        '- the billing consumer as deployed (the built app with its defaults, on PostgreSQL).',
        '',
        paragraph(
          "Rates from a ledger's first processed_at to its last (each chunk's rows are stamped before its statement), over all",
          `messages, duplicates included. After each run both ledgers must hold ${EVENTS} events and ${EVENTS} entries, and the same`,
          'rows (md5 over every column but processed_at, of processed_event and of ledger_entry), or the bench fails.',
        ),
        '',
        table(
          [
            'consumer',
            'messages/s (median)',
            'spread',
            'ratio to the bare consumer (median of per-run ratios)',
            'CPU per message (us, process life)',
          ],
          [
            [
              'bare kafkajs + raw pg, same rows (ceiling)',
              Math.round(median(bare)),
              spread(bare).text,
              '1.00',
              median(bareCpu).toFixed(0),
            ],
            [
              'billing consumer to committed ledger rows',
              Math.round(median(billing)),
              spread(billing).text,
              ratio.toFixed(2),
              median(billingCpu).toFixed(0),
            ],
          ],
        ),
        '',
        `Billing consumer peak RSS ${median(peakRss).toFixed(0)} MiB. The two ledgers were identical in every run.`,
        '',
        verdict(
          ratio >= TARGET,
          `billing at ${ratio.toFixed(2)} of the bare consumer writing the same rows (target >= ${TARGET.toFixed(2)})`,
        ),
      ].join('\n'),
    };
  } finally {
    await kafka.stop();
    for (const database of databases) await database.drop();
  }
}
