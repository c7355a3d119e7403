/**
 * The billing consumer as a real process, killed with SIGKILL in the middle of its work and
 * started again: every event ends up in the ledger exactly once (no lost and no doubled charges),
 * and the ledger equals one rebuilt from the topic by the operators' replay command.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedgerDatabase, type LedgerDatabase } from '@acme/billing-data-access';
import { createKafka, KafkaPublisher, LICENSE_EVENTS_TOPIC, TopicAdmin, licenseTopics } from '@acme/messaging';
import { withMockKafka } from '@acme/kafka-mock';
import { eventually, licenseEventMessages, withPostgresDatabase } from '@acme/testing';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const mock = withMockKafka({
  brokers: 3,
  topics: licenseTopics(6),
});
const pg = await withPostgresDatabase('killrestart');
const logger = pino({ level: 'silent' });
const GROUP = 'billing-kill-test';
const TOTAL = 4_000;
let ledger: LedgerDatabase;
let child: ChildProcess | null = null;
/** What the consumer processes wrote to stderr (warnings and errors only), for failure messages. */
let stderr = '';

beforeAll(async () => {
  if (pg.skip) return;
  ledger = await openLedgerDatabase({ databaseUrl: pg.url, poolSize: 2 });
  await ledger.migrate();
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await ledger?.close();
});

const consumerEnv = () => ({
  PATH: process.env.PATH ?? '',
  KAFKA_BROKERS: mock.bootstrap.join(','),
  KAFKA_GROUP_ID: GROUP,
  BILLING_DATABASE_URL: pg.url,
  KAFKA_SESSION_TIMEOUT_MS: '6000',
  KAFKA_HEARTBEAT_MS: '500',
  BILLING_BATCH_SIZE: '40',
  LOG_LEVEL: 'warn',
});

/**
 * Starts the billing-consumer app as its own process, the way it is deployed. Node itself, with
 * tsx as a loader: the tsx command would be a wrapper process, and a SIGKILL to the wrapper would
 * leave the real consumer running.
 */
function startConsumer(): ChildProcess {
  const process_ = spawn(
    join(root, 'node_modules/.bin/node'),
    ['--import', 'tsx', 'apps/billing-consumer/src/main.ts'],
    {
      cwd: root,
      env: consumerEnv(),
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  process_.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return process_;
}

/** Runs a command of the app to completion with the consumer's environment. */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const command = spawn(join(root, 'node_modules/.bin/node'), args, {
    cwd: root,
    env: consumerEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  command.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  command.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => command.once('exit', (code) => resolve({ code, stdout, stderr })));
}

async function processed(): Promise<number> {
  return (await ledger.counts()).processedEvents;
}

const until = (condition: () => boolean | Promise<boolean>, timeoutMs = 120_000) =>
  eventually(condition, { timeoutMs });

describe.skipIf(pg.skip)('billing consumer killed mid-batch', () => {
  it('loses nothing and doubles nothing across two SIGKILLs and restarts', async () => {
    const publisher = new KafkaPublisher(createKafka({ brokers: mock.bootstrap, clientId: 'kill-test', logger }));
    const messages = licenseEventMessages(TOTAL, { accounts: 30, prefix: 'kill' });
    for (let i = 0; i < TOTAL; i += 500) await publisher.publish(LICENSE_EVENTS_TOPIC, messages.slice(i, i + 500));
    await publisher.close();

    const killsAt: number[] = [];
    for (const threshold of [TOTAL * 0.2, TOTAL * 0.5]) {
      child = startConsumer();
      await until(async () => (await processed()) >= threshold);
      child.kill('SIGKILL');
      await new Promise((resolve) => child!.once('exit', resolve));
      killsAt.push(await processed());
    }
    expect(killsAt[0]).toBeLessThan(TOTAL);

    child = startConsumer();
    await until(async () => (await processed()) === TOTAL);
    // Every message on the topic handled and committed: anything recorded twice has shown up now.
    const admin = new TopicAdmin(createKafka({ brokers: mock.bootstrap, clientId: 'kill-test-admin', logger }));
    try {
      await until(async () => (await admin.groupLag(LICENSE_EVENTS_TOPIC, GROUP)).every((p) => p.lag === 0n));
    } finally {
      await admin.close();
    }
    expect(await ledger.counts()).toEqual({ processedEvents: TOTAL, ledgerEntries: TOTAL });
    const ids = new Set<string>();
    for (let after: string | null = null; ;) {
      const page = await ledger.entriesAfter(after, 1000);
      if (page.length === 0) break;
      for (const entry of page) ids.add(entry.eventId);
      after = page[page.length - 1]!.id;
    }
    expect(ids).toEqual(new Set(messages.map((m) => m.eventId)));

    // The operators' replay command rebuilds a fresh ledger from the topic: identical.
    const replay = await run(['--import', 'tsx', 'apps/billing-consumer/src/cli.ts', 'replay', '--wait', '60']);
    expect(replay.stdout, replay.stderr).toContain(`read ${TOTAL} message(s) of license-events`);
    expect(replay.stdout).toMatch(/\nidentical\n/);
    expect(replay.code).toBe(0);
    stderr = '';
    child.kill('SIGTERM');
    expect(await new Promise((resolve) => child!.once('exit', resolve)), stderr).toBe(0);
    child = null;
  });
});
