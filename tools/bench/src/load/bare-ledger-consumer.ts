/**
 * The ceiling for billing: a bare kafkajs consumer group member that writes the rows the billing
 * consumer writes, with raw `pg` and nothing else: no validation, no dead letters, no metrics, no
 * ORM. It reads TOPIC with the billing consumer's kafkajs settings (offsets committed by hand after
 * each chunk of BATCH_SIZE messages, CONCURRENT_PARTITIONS partitions at once, fetches of at most
 * 256 KiB per partition and 2 MiB in all, FETCH_MAX_WAIT_MS), decodes each envelope with
 * @bufbuild/protobuf, and per chunk, in one transaction, inserts the events it has not recorded
 * before into processed_event (ON CONFLICT DO NOTHING) and the ledger entries of those into
 * ledger_entry: one `seat_opened` entry per license.assigned event, with the id and fields
 * libs/billing's interpretEvent gives it. DATABASE_URL must hold the ledger's tables (created by
 * @acme/billing-data-access's migrations, so the constraints, indexes and triggers are the same).
 * It stops once EXPECTED distinct events are recorded and prints one JSON line
 * { events, duplicates, seconds, ownCpuMicros } (its CPU over its whole life).
 */
import { fromBinary } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import pg from 'pg';
import { events } from '@acme/contracts';
import { required } from './load-settings.js';

const expected = Number(required('EXPECTED'));
const batchSize = Number(required('BATCH_SIZE'));
const pool = new pg.Pool({
  connectionString: required('DATABASE_URL'),
  max: Number(required('CONCURRENT_PARTITIONS')),
});
const kafka = new Kafka({
  clientId: 'bare-ledger-consumer',
  brokers: required('KAFKA_BROKERS').split(','),
  logLevel: logLevel.NOTHING,
  connectionTimeout: 3_000,
  requestTimeout: 10_000,
  retry: { initialRetryTime: 100, maxRetryTime: 5_000, retries: 5 },
});
const consumer = kafka.consumer({
  groupId: required('GROUP'),
  sessionTimeout: 6_000,
  heartbeatInterval: 500,
  allowAutoTopicCreation: false,
  maxWaitTimeInMs: Number(required('FETCH_MAX_WAIT_MS')),
  maxBytesPerPartition: 256 * 1024,
  maxBytes: 2 * 1024 * 1024,
  retry: { initialRetryTime: 100, maxRetryTime: 5_000, retries: 10 },
});

const INSERT_EVENTS = `
insert into processed_event (event_id, account_id, sequence, event_type, outcome, topic, topic_partition, topic_offset, processed_at)
select e.*, $9::timestamptz
from unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::int[], $8::bigint[])
  as e(event_id, account_id, sequence, event_type, outcome, topic, topic_partition, topic_offset)
on conflict (event_id) do nothing
returning event_id`;
const INSERT_ENTRIES = `
insert into ledger_entry (id, event_id, account_id, sequence, kind, product_id, user_id, assignment_id, quantity, unit_price_minor, currency,
  billing_period, effective_at, reason)
select * from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::bigint[],
  $11::text[], $12::text[], $13::timestamptz[], $14::text[])`;

interface Row {
  event: (string | number)[];
  entry: (string | number)[];
}

/** The processed_event and ledger_entry rows of one license.assigned message (as interpretEvent maps it). */
function rowsOf(topic: string, partition: number, message: KafkaMessage): Row {
  const envelope = fromBinary(events.EventEnvelopeSchema, message.value!);
  if (envelope.payload.case !== 'licenseAssigned') {
    throw new Error(
      `the bench's topic holds ${envelope.payload.case ?? 'no payload'}; this consumer maps license.assigned only`,
    );
  }
  const { assignmentId, userId, productId, price, effectiveTime } = envelope.payload.value;
  const sequence = Number(envelope.sequence);
  return {
    event: [
      envelope.eventId,
      envelope.accountId,
      sequence,
      envelope.eventType,
      'entries',
      topic,
      partition,
      message.offset,
    ],
    entry: [
      `v1:${envelope.eventId}:0`,
      envelope.eventId,
      envelope.accountId,
      sequence,
      'seat_opened',
      productId,
      userId,
      assignmentId,
      1,
      Number(price!.unitPrice!.amountMinor),
      price!.unitPrice!.currencyCode,
      price!.billingPeriod,
      timestampDate(effectiveTime!).toISOString(),
      'assigned',
    ],
  };
}

const columns = (rows: (string | number)[][], width: number) =>
  Array.from({ length: width }, (_, c) => rows.map((r) => r[c]));

let recorded = 0;
let duplicates = 0;
let started = 0;
let done!: () => void;
const finished = new Promise<void>((resolve) => (done = resolve));

/** One chunk in one transaction: the events not recorded before, then their entries. */
async function record(topic: string, partition: number, messages: KafkaMessage[]): Promise<void> {
  const processedAt = new Date().toISOString();
  const seen = new Set<string>();
  // A chunk may carry one event twice (redelivered next to itself): the first copy counts, as in the billing consumer.
  const rows = messages
    .map((m) => rowsOf(topic, partition, m))
    .filter((r) => !seen.has(r.event[0] as string) && seen.add(r.event[0] as string));
  const client = await pool.connect();
  try {
    await client.query('begin');
    const eventColumns = [
      ...columns(
        rows.map((r) => r.event),
        8,
      ),
      processedAt,
    ];
    const fresh = await client.query<{ event_id: string }>({
      name: 'bare_events',
      text: INSERT_EVENTS,
      values: eventColumns,
    });
    const ids = new Set(fresh.rows.map((r) => r.event_id));
    const entries = rows.filter((r) => ids.has(r.event[0] as string)).map((r) => r.entry);
    if (entries.length > 0)
      await client.query({ name: 'bare_entries', text: INSERT_ENTRIES, values: columns(entries, 14) });
    await client.query('commit');
    recorded += ids.size;
    duplicates += messages.length - ids.size;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

await consumer.connect();
await consumer.subscribe({ topics: [required('TOPIC')], fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachBatchAutoResolve: false,
  partitionsConsumedConcurrently: Number(required('CONCURRENT_PARTITIONS')),
  eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
    started ||= performance.now();
    for (let start = 0; start < batch.messages.length; start += batchSize) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + batchSize);
      await record(batch.topic, batch.partition, chunk);
      const last = chunk[chunk.length - 1]!.offset;
      await consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
      ]);
      resolveOffset(last);
      await heartbeat();
    }
    if (recorded >= expected) done();
  },
});
await finished;
const cpu = process.cpuUsage();
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({ events: recorded, duplicates, seconds, ownCpuMicros: cpu.user + cpu.system })}\n`,
);
await consumer.disconnect();
await pool.end();
