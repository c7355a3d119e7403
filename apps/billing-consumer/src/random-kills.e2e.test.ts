/**
 * The billing consumer process SIGKILLed at random moments (starting up, joining the group,
 * mid-batch, committing offsets, idle), run after run, against one growing topic and one
 * PostgreSQL ledger. After every run the ledger holds each published event exactly once and is
 * identical to a ledger rebuilt from the topic by the replay (`replayAndCompare`).
 *
 * `npm test` does RELIABILITY_RUNS=3 (about a minute); the figure is 20 or more:
 * `RELIABILITY_RUNS=20 npx vitest run src/random-kills.e2e.test.ts` in apps/billing-consumer.
 * RELIABILITY_SEED replays a failed sequence of delays (each run prints its seed).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayAndCompare } from '@acme/billing';
import { openLedgerDatabase, type LedgerDatabase } from '@acme/billing-data-access';
import { createKafka, KafkaPublisher, LICENSE_EVENTS_TOPIC, TopicAdmin, licenseTopics } from '@acme/messaging';
import { withMockKafka } from '@acme/kafka-mock';
import {
  eventually,
  licenseEventMessages,
  startNodeProcess,
  tempSqlitePath,
  withPostgresDatabase,
  type NodeProcess,
} from '@acme/testing';

const mock = withMockKafka({
  brokers: 3,
  topics: licenseTopics(6),
});
const pg = await withPostgresDatabase('randomkills');
const RUNS = Number(process.env.RELIABILITY_RUNS ?? 3);
const SEED = Number(process.env.RELIABILITY_SEED ?? Date.now() % 1_000_000);
const GROUP = 'billing-random-kills';
const logger = pino({ level: 'silent' });
let ledger: LedgerDatabase;
let publisher: KafkaPublisher;
let consumer: NodeProcess | null = null;

beforeAll(async () => {
  if (pg.skip) return;
  ledger = await openLedgerDatabase({ databaseUrl: pg.url, poolSize: 2 });
  await ledger.migrate();
  publisher = new KafkaPublisher(createKafka({ brokers: mock.bootstrap, clientId: 'random-kills', logger }));
});
afterAll(async () => {
  await consumer?.kill();
  await publisher?.close();
  await ledger?.close();
});

/** mulberry32: a seeded generator, so a failing run's delays can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function startConsumer(batchSize: number): NodeProcess {
  return startNodeProcess('apps/billing-consumer/src/main.ts', {
    KAFKA_BROKERS: mock.bootstrap.join(','),
    KAFKA_GROUP_ID: GROUP,
    BILLING_DATABASE_URL: pg.url,
    KAFKA_SESSION_TIMEOUT_MS: '3000',
    KAFKA_HEARTBEAT_MS: '500',
    BILLING_BATCH_SIZE: String(batchSize),
    LOG_LEVEL: 'warn',
  });
}

const processed = async () => (await ledger.counts()).processedEvents;

/** Every event id in the ledger, with how many ledger entries it has. */
async function entriesPerEvent(): Promise<Map<string, number>> {
  const perEvent = new Map<string, number>();
  for (let after: string | null = null; ;) {
    const page = await ledger.entriesAfter(after, 2_000);
    if (page.length === 0) return perEvent;
    for (const entry of page) perEvent.set(entry.eventId, (perEvent.get(entry.eventId) ?? 0) + 1);
    after = page[page.length - 1]!.id;
  }
}

/**
 * Kills the consumer at a random moment: half the time after a random delay (often while it
 * starts or joins the group), otherwise once this run's events reach a random share of the run,
 * plus a few milliseconds (in the middle of the stream: handling, recording or committing a batch).
 * Returns `<how>@<events of this run recorded at the kill>`.
 */
async function killAtRandom(process: NodeProcess, next: () => number, before: number, count: number): Promise<string> {
  let how: string;
  const done = (await processed()) - before;
  if (next() < 0.4 || done >= count) {
    const delay = Math.floor(next() * 5_000);
    await sleep(delay);
    how = `${delay}ms`;
  } else {
    // A share of what is left, so that the kill lands while this life is working.
    const target = done + (0.05 + next() * 0.9) * (count - done);
    const extra = Math.floor(next() * 20);
    await eventually(async () => (await processed()) - before >= target, { timeoutMs: 60_000, intervalMs: 2 });
    await sleep(extra);
    how = `${Math.round((target / count) * 100)}%+${extra}ms`;
  }
  const at = (await processed()) - before;
  await process.kill('SIGKILL');
  return `${how}@${at}`;
}

describe.skipIf(pg.skip)('billing consumer killed at random points', () => {
  it(
    `keeps a ledger equal to a clean replay after every one of ${RUNS} runs of random SIGKILLs`,
    { timeout: RUNS * 60_000 + 60_000 },
    async () => {
      const published: string[] = [];
      const report: string[] = [];
      for (let run = 0; run < RUNS; run++) {
        const seed = SEED + run;
        const next = random(seed);
        const count = 1_000 + Math.floor(next() * 1_000);
        const batchSize = 10 + Math.floor(next() * 60);
        const messages = licenseEventMessages(count, { accounts: 12, prefix: `run${run}s${seed}` });
        // Half is waiting when the consumer starts; the rest arrives while it works.
        await publisher.publish(LICENSE_EVENTS_TOPIC, messages.slice(0, count / 2));
        const kills: string[] = [];
        const killsThisRun = 1 + Math.floor(next() * 3);
        for (let k = 0; k < killsThisRun; k++) {
          consumer = startConsumer(batchSize);
          if (k === 0) await publisher.publish(LICENSE_EVENTS_TOPIC, messages.slice(count / 2));
          kills.push(await killAtRandom(consumer, next, published.length, count));
        }
        published.push(...messages.map((m) => m.eventId));

        consumer = startConsumer(batchSize);
        await eventually(async () => (await processed()) >= published.length, {
          timeoutMs: 90_000,
          what: `run ${run} (seed ${seed}) caught up`,
        });
        // Every message on the topic handled and committed: anything recorded twice has shown up now.
        const admin = new TopicAdmin(createKafka({ brokers: mock.bootstrap, clientId: 'random-kills-admin', logger }));
        try {
          await eventually(async () => (await admin.groupLag(LICENSE_EVENTS_TOPIC, GROUP)).every((p) => p.lag === 0n), {
            timeoutMs: 90_000,
            what: `run ${run} (seed ${seed}) committed`,
          });
        } finally {
          await admin.close();
        }

        // Exactly once: every published event, one processed row and one entry each, nothing else.
        expect(await ledger.counts(), `run ${run}, seed ${seed}`).toEqual({
          processedEvents: published.length,
          ledgerEntries: published.length,
        });
        const perEvent = await entriesPerEvent();
        expect([...perEvent.keys()].sort()).toEqual([...published].sort());
        expect([...perEvent.values()].every((n) => n === 1)).toBe(true);

        // And equal to a clean replay of the topic. The consumer keeps running until then: a chunk
        // handled while the group rebalanced after the last kill is committed only once it rejoins,
        // and the replay waits for the group's committed offsets to reach the topic's end.
        const file = tempSqlitePath();
        const rebuilt = await openLedgerDatabase({ sqlitePath: file.path });
        try {
          await rebuilt.migrate();
          const replay = await replayAndCompare({
            kafka: createKafka({ brokers: mock.bootstrap, clientId: 'random-kills-replay', logger }),
            live: ledger,
            rebuilt,
            groupId: GROUP,
            logger,
            waitForLiveMs: 30_000,
          });
          expect(replay.differences, `run ${run}, seed ${seed}`).toEqual([]);
          expect(replay).toMatchObject({
            identical: true,
            liveCaughtUp: true,
            liveEvents: published.length,
            rebuiltEvents: published.length,
          });
        } finally {
          await rebuilt.close();
          file.remove();
          await consumer.kill('SIGKILL');
          consumer = null;
        }
        expect(await ledger.counts(), `run ${run}, seed ${seed}, after the replay`).toEqual({
          processedEvents: published.length,
          ledgerEntries: published.length,
        });
        report.push(
          `run ${run} seed ${seed}: ${count} events, batch ${batchSize}, kills at ${kills.join(', ')} (how@events of the run recorded at the kill)`,
        );
      }
      console.info(`random kills:\n${report.join('\n')}`);
    },
  );
});
