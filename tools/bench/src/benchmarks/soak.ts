import pg from 'pg';
import { runLoad } from '../lib/load-process.js';
import { waitFor } from '../lib/processes.js';
import { startPlatform } from '../lib/platform.js';
import { seatDiscrepancies } from '../lib/seed.js';
import { table, verdict, type BenchmarkSection } from '../lib/report.js';

const PLAN = { accounts: 200, usersPerAccount: 2_000, seats: 1_000_000 };
interface MixedResult {
  ops: number;
  seconds: number;
  byKind: Record<string, number>;
  refusals: Record<string, number>;
  p99Ms: Record<string, number>;
  rss: [number, number][];
}

/**
 * Target 7 and the load part of the reliability issue: mixed reads and writes at 70% of the
 * measured capacity for `minutes` (at least 10) on loopback, the whole platform running (licensing
 * service relaying to Kafka, billing consumer): no errors other than documented refusals, no seat
 * over-allocation, every event in the ledger once, and the service's RSS after 10 minutes within
 * 20% of its RSS after 1 minute.
 */
export async function soakBenchmark(minutes: number): Promise<BenchmarkSection> {
  const platform = await startPlatform(PLAN, { billingEnv: { KAFKA_FETCH_MAX_WAIT_MS: '20' } });
  try {
    const common = {
      CLIENTS: '8',
      ACCOUNTS: String(PLAN.accounts),
      USERS: String(PLAN.usersPerAccount),
      ADDRESS: platform.licensing.address,
      TOKENS_FILE: platform.tokensFile,
    };
    const capacity = await runLoad<MixedResult>('mixed-load.ts', { ...common, SECONDS: '20', OFFSET: '0' });
    const maxRate = capacity.ops / capacity.seconds;
    const rate = Math.floor(maxRate * 0.7);
    const soak = await runLoad<MixedResult>('mixed-load.ts', {
      ...common,
      SECONDS: String(minutes * 60),
      OFFSET: String(capacity.ops + 1_000),
      RATE: String(rate),
      SAMPLE_PID: String(platform.licensing.process.pid),
      SAMPLE_SECONDS: '10',
    });
    // Every event committed reaches the ledger once: the outbox drains and the ledger holds them all.
    const licensing = new pg.Client({ connectionString: platform.licensingDb.url });
    const ledger = new pg.Client({ connectionString: platform.ledgerDb.url });
    await licensing.connect();
    await ledger.connect();
    let events = { outbox: 0, pending: 0, ledger: 0 };
    try {
      await waitFor(
        async () => {
          const outbox = (
            await licensing.query<{ all: string; pending: string }>(
              'select count(*) as all, count(*) filter (where published_at is null) as pending from outbox_event',
            )
          ).rows[0]!;
          const recorded = (await ledger.query<{ n: string }>('select count(*) as n from processed_event')).rows[0]!;
          events = { outbox: Number(outbox.all), pending: Number(outbox.pending), ledger: Number(recorded.n) };
          return events.pending === 0 && events.ledger === events.outbox;
        },
        'the ledger catching up with the outbox',
        300_000,
      );
    } finally {
      await licensing.end();
      await ledger.end();
    }
    const seats = await seatDiscrepancies(platform.licensingDb.url);
    const at = (second: number) =>
      soak.rss.reduce((best, sample) => (Math.abs(sample[0] - second) < Math.abs(best[0] - second) ? sample : best))[1];
    const rssOneMinute = at(60);
    const rssEnd = at(minutes * 60);
    const growth = rssEnd / rssOneMinute - 1;
    const refused = Object.entries(soak.refusals);
    return {
      id: 'soak',
      title: '7. Memory under a long mixed load (and the soak of the reliability issue)',
      command: `npm run bench -- soak --minutes ${minutes}`,
      body: [
        `Whole platform as separate processes (licensing service on PostgreSQL relaying to the mock Kafka ` +
          `broker, billing consumer on its own ledger database), ${PLAN.accounts} accounts x ` +
          `${PLAN.usersPerAccount} users. Mix: 40% GetSeatUsage, 30% ListAssignments, 20% AssignLicenses, 10% ` +
          `UnassignLicenses, 8 callers. Capacity (20 s, unthrottled): ${Math.round(maxRate)} operations/s; ` +
          `soak at 70%: ${rate}/s for ${minutes} minutes.`,
        '',
        table(
          ['operation', 'calls', 'p99 ms'],
          Object.entries(soak.byKind).map(([kind, n]) => [kind, n, (soak.p99Ms[kind] ?? 0).toFixed(1)]),
        ),
        '',
        `Refusals: ${refused.length === 0 ? 'none' : refused.map(([r, n]) => `${r}: ${n}`).join(', ')}. Seat counters: ` +
          (seats.overAllocated + seats.counterMismatch === 0
            ? 'no over-allocation, every counter equals its rows'
            : `${seats.overAllocated} over-allocated, ${seats.counterMismatch} mismatched`) +
          `. Events: ${events.outbox} in the outbox, all published, ${events.ledger} in the ledger.`,
        '',
        `Licensing service RSS (MiB) every 10 s: ${soak.rss.map(([s, m]) => `${s}s ${m.toFixed(0)}`).join(', ')}.`,
        '',
        verdict(
          Math.abs(growth) <= 0.2,
          `RSS after ${minutes} min is ${rssEnd.toFixed(0)} MiB, ${(growth * 100).toFixed(1)}% from ` +
            `${rssOneMinute.toFixed(0)} MiB after 1 min (target within 20%)`,
        ),
        '',
        verdict(
          refused.length === 0 && seats.overAllocated + seats.counterMismatch === 0 && events.ledger === events.outbox,
          'no errors, no over-allocation, every event in the ledger once',
        ),
      ].join('\n'),
    };
  } finally {
    await platform.stop();
  }
}
