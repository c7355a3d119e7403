/**
 * The outbox relay against real databases (libsql, and PostgreSQL for several instances) with a
 * recording publisher standing in for the broker: order, at-least-once under failures, prompt
 * wake-ups, no double publishing between instances, and the writing call's trace carried on.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase, relayShardOf, type Database } from '@acme/licensing-data-access';
import type { EventMessage, EventPublisher } from '@acme/messaging';
import { eventually, tempSqlitePath, withPostgresDatabase } from '@acme/testing';
import { inSpan, startTracing } from '@acme/telemetry';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { OutboxRelay } from './outbox-relay.js';

const pg = await withPostgresDatabase('outboxrelay');
const logger = pino({ level: 'silent' });
const GOTO = 'acct_demo_goto';
const ZENDESK = 'acct_demo_zendesk';

/** Remembers what was published; fails while `down` is true, like a broker that is away. */
class RecordingPublisher implements EventPublisher {
  readonly published: EventMessage[] = [];
  down = false;
  attempts = 0;
  async publish(_topic: string, messages: EventMessage[]): Promise<void> {
    this.attempts += 1;
    if (this.down) throw new Error('broker unavailable');
    this.published.push(...messages);
  }
  async close(): Promise<void> {}
}

/** A relay's own publisher: its first publish waits at a gate, so the relay holds its shard meanwhile. */
class GatedPublisher implements EventPublisher {
  waiting = false;
  private opened = false;
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  constructor(private readonly inner: EventPublisher) {}
  async publish(topic: string, messages: EventMessage[]): Promise<void> {
    if (!this.opened) {
      this.waiting = true;
      await this.gate;
    }
    return this.inner.publish(topic, messages);
  }
  release(): void {
    this.opened = true;
    this.open();
  }
  async close(): Promise<void> {}
}

/** The two accounts the events belong to, as bare rows: their outboxes start empty. */
async function insertAccounts(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    for (const [id, style] of [
      [GOTO, 'goto'],
      [ZENDESK, 'zendesk'],
    ] as const) {
      await tx.insertAccount({
        id,
        name: id,
        kind: 'self_service',
        style,
        legacyPlan: false,
        cardOnFile: false,
        ownerUserId: null,
        offeringId: null,
        currency: 'USD',
        billingProfileId: null,
        createdAt: new Date(),
        suspended: false,
      });
    }
  });
}

let nextEvent = 0;
async function append(db: Database, accountId: string, count = 1): Promise<void> {
  await db.transaction((tx) =>
    tx.appendEvents(
      accountId,
      Array.from({ length: count }, () => ({
        eventId: `evt_${process.pid}_${nextEvent++}`,
        eventType: 'license.assigned',
        occurredAt: new Date(),
        payload: () => new Uint8Array([1]),
      })),
    ),
  );
}

const until = (condition: () => boolean | Promise<boolean>, timeoutMs = 30_000) => eventually(condition, { timeoutMs });

/** Per account, the sequence numbers in the order they were published. */
function sequencesByAccount(messages: EventMessage[]): Record<string, number[]> {
  const result: Record<string, number[]> = {};
  for (const m of messages) (result[m.key] ??= []).push(Number(m.headers!.sequence));
  return result;
}

/**
 * An event written inside a traced call is published with a producer span, child of the call's
 * transaction, whose traceparent its message carries; one written while tracing is off carries none.
 */
async function expectTraceCarried(db: Database, publisher: RecordingPublisher): Promise<void> {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({ serviceName: 'test', env: {}, exporter });
  try {
    const before = publisher.published.length;
    await inSpan('call', {}, () => append(db, GOTO, 1));
    await until(() => publisher.published.length > before);
    await tracing.flush();
    const spans = exporter.getFinishedSpans();
    const call = spans.find((span) => span.name === 'call')!;
    const transaction = spans.find((span) => span.name === 'db.transaction')!;
    const send = spans.find((span) => span.name === 'send license-events')!;
    expect(transaction.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    expect(send.parentSpanContext?.spanId).toBe(transaction.spanContext().spanId);
    expect(send.attributes).toMatchObject({
      'messaging.destination.name': 'license-events',
      'messaging.kafka.message.key': GOTO,
    });
    const traced = publisher.published.at(-1)!;
    expect(traced.headers!.traceparent).toBe(`00-${call.spanContext().traceId}-${send.spanContext().spanId}-01`);
  } finally {
    await tracing.shutdown();
  }
  const before = publisher.published.length;
  await append(db, ZENDESK, 1);
  await until(() => publisher.published.length > before);
  expect(publisher.published.at(-1)!.headers).not.toHaveProperty('traceparent');
}

describe('outbox relay (libsql)', () => {
  const file = tempSqlitePath();
  let db: Database;
  const relays: OutboxRelay[] = [];
  const startRelay = (
    publisher: EventPublisher,
    options: { pollIntervalMs?: number; initialBackoffMs?: number; maxBackoffMs?: number } = {},
  ) => {
    const relay = new OutboxRelay({ store: db.outbox, publisher, logger, pollIntervalMs: 60_000, ...options });
    relays.push(relay);
    db.onCommit((change) => change.events > 0 && relay.wake());
    relay.start();
    return relay;
  };

  beforeAll(async () => {
    db = await openDatabase({ sqlitePath: file.path });
    await db.migrate();
    await insertAccounts(db);
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
  });
  afterAll(async () => {
    await db.close();
    file.remove();
  });

  it('publishes committed events at once, keyed by account, in sequence order', async () => {
    const publisher = new RecordingPublisher();
    startRelay(publisher);
    await append(db, GOTO, 3);
    await append(db, ZENDESK, 2);
    // The poll interval is a minute: only the commit notification can explain a prompt publish.
    await until(() => publisher.published.length === 5, 3_000);
    expect(sequencesByAccount(publisher.published)).toEqual({ [GOTO]: [1, 2, 3], [ZENDESK]: [1, 2] });
    expect(publisher.published[0]!.headers).toMatchObject({ 'event-type': 'license.assigned' });
    expect((await db.outbox.backlog()).pending).toBe(0);
  });

  it('keeps events while the broker is down and publishes each once when it returns', async () => {
    const publisher = new RecordingPublisher();
    publisher.down = true;
    const relay = startRelay(publisher, { maxBackoffMs: 100 });
    await append(db, GOTO, 2);
    await until(() => relay.stats().consecutiveFailures >= 3);
    expect(publisher.published).toEqual([]);
    expect((await db.outbox.backlog()).pending).toBe(2);
    await append(db, GOTO, 1);
    publisher.down = false;
    await until(() => publisher.published.length === 3);
    expect(sequencesByAccount(publisher.published)).toEqual({ [GOTO]: [4, 5, 6] });
    await until(() => relay.stats().consecutiveFailures === 0);
    expect(relay.stats()).toMatchObject({ published: 3, lastError: 'broker unavailable' });
    expect((await db.outbox.backlog()).pending).toBe(0);
  });

  it('does not let commits cut a failure back-off short, and stops promptly in the middle of one', async () => {
    const publisher = new RecordingPublisher();
    publisher.down = true;
    // A back-off far longer than the test: any attempt after the first was caused by a commit.
    const relay = startRelay(publisher, { initialBackoffMs: 120_000, maxBackoffMs: 120_000 });
    await append(db, ZENDESK, 1);
    await until(() => relay.stats().consecutiveFailures >= 1);
    const attempts = publisher.attempts;
    for (let i = 0; i < 5; i++) await append(db, ZENDESK, 1);
    // Give any wake-up the commits caused every chance to run.
    await sleep(500);
    expect(publisher.attempts).toBe(attempts);
    // Stopping does not wait the back-off out.
    const stopped = await Promise.race([
      relay.stop().then(() => 'stopped'),
      sleep(20_000).then(() => 'waited for the back-off'),
    ]);
    expect(stopped).toBe('stopped');
    publisher.down = false;
    startRelay(publisher);
    await until(async () => (await db.outbox.backlog()).pending === 0);
  });

  it("carries the writing call's trace to the published message", async () => {
    const publisher = new RecordingPublisher();
    startRelay(publisher);
    await expectTraceCarried(db, publisher);
  });
});

describe.skipIf(pg.skip)('outbox relay, several instances on one PostgreSQL', () => {
  let writer: Database;
  beforeAll(async () => {
    writer = await openDatabase({ databaseUrl: pg.url, poolSize: 8 });
    await writer.migrate();
    await insertAccounts(writer);
  });
  afterAll(() => writer.close());

  it('publishes every event exactly once and keeps each account in order while two instances relay', async () => {
    const accounts = [GOTO, ZENDESK];
    const publisher = new RecordingPublisher();
    // Two service instances: each with its own pool, relay and publisher, sharing the database.
    const instances = await Promise.all([0, 1].map(() => openDatabase({ databaseUrl: pg.url, poolSize: 4 })));
    const gated = instances.map(() => new GatedPublisher(publisher));
    const relays = instances.map(
      (db, i) => new OutboxRelay({ store: db.outbox, publisher: gated[i]!, logger, pollIntervalMs: 5, batchSize: 7 }),
    );
    expect(relayShardOf(GOTO)).not.toBe(relayShardOf(ZENDESK));
    for (const relay of relays) relay.start();
    try {
      // The work is shared, not merely failed over: while one relay holds the first account's
      // shard (its publish waits), the other takes the second account's.
      await append(writer, GOTO, 1);
      await until(() => gated.some((g) => g.waiting));
      await append(writer, ZENDESK, 1);
      await until(() => gated.every((g) => g.waiting));
      for (const g of gated) g.release();
      const writes = 60;
      await Promise.all(Array.from({ length: writes }, (_, i) => append(writer, accounts[i % 2]!, 1 + (i % 3))));
      const total = 2 + Array.from({ length: writes }, (_, i) => 1 + (i % 3)).reduce((a, b) => a + b, 0);
      await until(() => publisher.published.length >= total, 60_000);
      await sleep(200); // any double publish would show up by now
      const ids = publisher.published.map((m) => m.headers!['event-id']);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(total);
      for (const [account, sequences] of Object.entries(sequencesByAccount(publisher.published))) {
        expect(sequences, account).toEqual(Array.from({ length: sequences.length }, (_, i) => i + 1));
      }
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
      await Promise.all(instances.map((db) => db.close()));
    }
  });

  it("carries the writing call's trace to the published message (rows written in one statement)", async () => {
    const publisher = new RecordingPublisher();
    const relay = new OutboxRelay({ store: writer.outbox, publisher, logger, pollIntervalMs: 5 });
    relay.start();
    try {
      await until(async () => (await writer.outbox.backlog()).pending === 0);
      await expectTraceCarried(writer, publisher);
    } finally {
      await relay.stop();
    }
  });
});
