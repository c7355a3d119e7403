import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import pg from 'pg';
import { pino } from 'pino';
import { startMockKafka } from '@acme/kafka-mock';
import { openDatabase, type Database } from '@acme/licensing-data-access';
import { createKafka, KafkaPublisher, LICENSE_EVENTS_TOPIC, licenseTopics } from '@acme/messaging';
import { createTestPostgres, licenseEventMessages, type TestDatabase } from '@acme/testing';
import { memoryMiB, startApp, waitFor } from '../lib/processes.js';
import { median } from '../lib/stats.js';
import { table, verdict, type BenchmarkSection } from '../lib/report.js';

const PRODUCTS = [
  'goto_connect_standard',
  'goto_contact_center',
  'goto_meeting',
  'zendesk_support',
  'zendesk_guide',
  'zendesk_chat',
  'zendesk_talk',
  'zendesk_explore',
  'zendesk_sell',
  'zendesk_sell_reach',
];
const EVENTS = 1_000_000;

/** One account with `users` users, each holding all ten catalog products. */
async function seedLargeAccount(url: string, accountId: string, users: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `insert into account (id, name, kind, style, legacy_plan, card_on_file, owner_user_id, created_at, ` +
        `event_sequence) values ($1, 'Scale', 'self_service', 'goto', false, true, null, now(), 0)`,
      [accountId],
    );
    await client.query(
      `insert into subscription (id, account_id, product_id, purchased_seats, assigned_seats, ` +
        `unit_price_minor, currency) select 'sub_' || $1 || '_' || p, $1, p, $2::int, $2::int, 1000, 'USD' ` +
        `from unnest($3::text[]) p`,
      [accountId, users, PRODUCTS],
    );
    await client.query(
      `insert into app_user (id, account_id, email, display_name, roles, permissions, created_at) select ` +
        `'usr_' || $1 || '_' || lpad(u::text, 7, '0'), $1, 'u' || u || '@' || $1 || '.test', 'User ' || u, ` +
        `'["member"]'::jsonb, '[]'::jsonb, now() from generate_series(1, $2::int) u`,
      [accountId, users],
    );
    await client.query(
      `insert into assignment (id, account_id, user_id, product_id, features, created_at) select 'asg_' || ` +
        `$1 || '_' || lpad(u::text, 7, '0') || '_' || p, $1, 'usr_' || $1 || '_' || lpad(u::text, 7, '0'), ` +
        `p, '{}'::jsonb, now() from generate_series(1, $2::int) u, unnest($3::text[]) p`,
      [accountId, users, PRODUCTS],
    );
    await client.query('analyze');
  } finally {
    await client.end();
  }
}

/** Median ms of `call` over `times` calls (after a few warm-up calls). */
async function timed(times: number, call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 5; i++) await call();
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await call();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

/** Seat usage, the first page and the twentieth page of assignments and of users, in ms. */
async function readTimes(db: Database, accountId: string): Promise<Record<string, number>> {
  const deepToken = async (list: (token?: string) => Promise<{ nextPageToken: string | null }>) => {
    let token: string | undefined;
    for (let i = 0; i < 19; i++) token = (await list(token)).nextPageToken ?? undefined;
    return token;
  };
  const assignments = (token?: string) =>
    db.assignments.list(accountId, {}, { pageSize: 50, ...(token ? { pageToken: token } : {}) });
  const users = (token?: string) => db.users.list(accountId, { pageSize: 50, ...(token ? { pageToken: token } : {}) });
  const deepAssignments = await deepToken(assignments);
  const deepUsers = await deepToken(users);
  return {
    'seat usage': await timed(50, () => db.accounts.seatUsage(accountId)),
    'assignments, first page of 50': await timed(50, () => assignments()),
    'assignments, 20th page of 50': await timed(50, () => assignments(deepAssignments)),
    'assignments of one user': await timed(50, () =>
      db.assignments.list(accountId, { userId: `usr_${accountId}_0000500` }, { pageSize: 50 }),
    ),
    'users, first page of 50': await timed(50, () => users()),
    'users, 20th page of 50': await timed(50, () => users(deepUsers)),
  };
}

/**
 * Target 6: with 100k users and 1M assignments, seat usage and paged listing take no more than
 * 1.5x their time at 1k users; and replaying 1M events keeps the consumer's peak RSS under 256 MB.
 */
export async function scaleBenchmark(): Promise<BenchmarkSection> {
  const small = await createTestPostgres('bench_scale_small');
  const large = await createTestPostgres('bench_scale_large');
  const opened: Database[] = [];
  try {
    for (const d of [small, large]) {
      const db = await openDatabase({ databaseUrl: d.url });
      await db.migrate();
      opened.push(db);
    }
    await seedLargeAccount(small.url, 'acct_small', 1_000);
    await seedLargeAccount(large.url, 'acct_large', 100_000);
    const smallTimes = await readTimes(opened[0]!, 'acct_small');
    const largeTimes = await readTimes(opened[1]!, 'acct_large');
    const rows = Object.keys(smallTimes).map((what) => {
      const ratio = largeTimes[what]! / smallTimes[what]!;
      return [what, smallTimes[what]!.toFixed(2), largeTimes[what]!.toFixed(2), ratio.toFixed(2)];
    });
    const worst = Math.max(...Object.keys(smallTimes).map((w) => largeTimes[w]! / smallTimes[w]!));
    const replay = await replayPeakRss();
    return {
      id: 'scale',
      title: '6. Scale: 100k users and 1M assignments; replaying 1M events',
      command: 'npm run bench -- scale',
      body: [
        'Reads through the data-access lib (the database work behind GetSeatUsage, ListAssignments and ' +
          'ListUsers, without the read cache) on PostgreSQL: an account of 1,000 users with 10 products each ' +
          '(10,000 assignments) against an account of 100,000 users with 10 products each (1,000,000 ' +
          'assignments). Median of 50 calls each.',
        '',
        table(['read', 'ms at 1k users', 'ms at 100k users', 'ratio'], rows),
        '',
        verdict(
          worst <= 1.5,
          `the slowest-growing read takes ${worst.toFixed(2)}x its time at 1k users (target <= 1.5x)`,
        ),
        '',
        `Replay of ${EVENTS.toLocaleString('en')} events (the built billing CLI's \`replay\`, run as the ` +
          `README's deployment section says, 64 partitions on the mock broker, rebuilt into a fresh PostgreSQL ` +
          `database, live ledger on another): the replay process peaked at ${replay.replayPeak.toFixed(0)} MiB ` +
          `RSS, the live consumer that recorded them at ${replay.consumerPeak.toFixed(0)} MiB; ` +
          `${replay.identical ? 'the rebuilt ledger was identical' : 'the ledgers DIFFERED'} ` +
          `(${replay.seconds.toFixed(0)} s).`,
        '',
        verdict(
          replay.replayPeak < 256 && replay.consumerPeak < 256 && replay.identical,
          `peak RSS ${Math.max(replay.replayPeak, replay.consumerPeak).toFixed(0)} MiB (target < 256 MiB)`,
        ),
      ].join('\n'),
    };
  } finally {
    for (const db of opened) await db.close();
    await small.drop();
    await large.drop();
  }
}

/** Publishes 1M events, lets the live consumer record them, then replays; peak RSS of both. */
export async function replayPeakRss(
  events = EVENTS,
): Promise<{ replayPeak: number; consumerPeak: number; identical: boolean; seconds: number }> {
  const kafka = await startMockKafka({
    brokers: 3,
    topics: licenseTopics(64),
  });
  const databases: TestDatabase[] = [
    await createTestPostgres('bench_replay_live'),
    await createTestPostgres('bench_replay_rebuilt'),
  ];
  const env = {
    KAFKA_BROKERS: kafka.bootstrap.join(','),
    KAFKA_GROUP_ID: 'replay-live',
    BILLING_DATABASE_URL: databases[0]!.url,
    LOG_LEVEL: 'warn',
  };
  const scratch = mkdtempSync(join(tmpdir(), 'bench-replay-'));
  try {
    const publisher = new KafkaPublisher(
      createKafka({ brokers: kafka.bootstrap, clientId: 'bench-replay', logger: pino({ level: 'silent' }) }),
    );
    for (let i = 0; i < events; i += 20_000)
      await publisher.publish(LICENSE_EVENTS_TOPIC, licenseEventMessages(20_000, { accounts: 2_000, prefix: `r${i}` }));
    await publisher.close();
    const consumer = await startApp('billing-consumer', env);
    const ledger = new pg.Client({ connectionString: databases[0]!.url });
    let consumerPeak = 0;
    try {
      await waitFor(
        async () =>
          ledger.connect().then(
            () => true,
            () => false,
          ),
        'ledger',
      );
      await waitFor(
        async () => {
          consumerPeak = Math.max(consumerPeak, memoryMiB(consumer.pid).peak);
          return (
            Number(
              (
                await ledger
                  .query<{ n: string }>('select count(*) as n from processed_event')
                  .catch(() => ({ rows: [{ n: '0' }] }))
              ).rows[0]!.n,
            ) >= events
          );
        },
        'live consumer recording 1M events',
        900_000,
      );
      consumerPeak = Math.max(consumerPeak, memoryMiB(consumer.pid).peak);
    } finally {
      await ledger.end();
      await consumer.stop();
    }
    const started = Date.now();
    const replay = await startApp('billing-cli', env, {
      stdout: 'pipe',
      args: ['replay', '--into', databases[1]!.url, '--wait', '120'],
    });
    let output = '';
    replay.child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let replayPeak = 0;
    const exited = new Promise<number | null>((resolve) => replay.child.once('exit', resolve));
    const sampler = setInterval(() => {
      try {
        replayPeak = Math.max(replayPeak, memoryMiB(replay.pid).peak);
      } catch {
        // the process has just exited
      }
    }, 200);
    const code = await exited;
    clearInterval(sampler);
    if (code !== 0 && !/DIFFERENT/.test(output)) throw new Error(`replay failed (${code}): ${replay.stderr()}`);
    return {
      replayPeak,
      consumerPeak,
      identical: /\nidentical\n/.test(output),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await kafka.stop();
    for (const d of databases) await d.drop();
  }
}
