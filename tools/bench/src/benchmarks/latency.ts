import pg from 'pg';
import { runLoad } from '../lib/load-process.js';
import { waitFor } from '../lib/processes.js';
import { scrapeHistogram, startPlatform } from '../lib/platform.js';
import { histogramQuantile, median, spread } from '../lib/stats.js';
import { table, verdict, type BenchmarkSection } from '../lib/report.js';

const PLAN = { accounts: 200, usersPerAccount: 500, seats: 1_000_000 };
interface AssignResult {
  calls: number;
  seconds: number;
  errors: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Target 5: under half the maximum write load, the p99 from a change to its ledger row is under
 * 10x the p99 of the AssignLicenses call itself: events flow as they happen, no fixed polling
 * delay dominates. The ledger side is measured by the billing consumer itself (the histogram
 * billing_event_recording_delay_seconds, per run, quantiles interpolated as Prometheus does: from
 * the licensing change's time, which is before the response, to the ledger commit), so it over-
 * rather than under-states the delay.
 */
export async function latencyBenchmark(runs: number): Promise<BenchmarkSection> {
  // The mock broker answers a waiting fetch only when its wait ends (Kafka answers at once).
  const platform = await startPlatform(PLAN, { billingEnv: { KAFKA_FETCH_MAX_WAIT_MS: '20' } });
  try {
    const common = {
      CLIENTS: '8',
      ACCOUNTS: String(PLAN.accounts),
      USERS: String(PLAN.usersPerAccount),
      ADDRESS: platform.licensing.address,
      TOKENS_FILE: platform.tokensFile,
    };
    let offset = 0;
    const max = await runLoad<AssignResult>('assign-load.ts', { ...common, SECONDS: '8', OFFSET: '0' });
    offset += max.calls + 100;
    const rate = Math.max(1, Math.floor(max.calls / max.seconds / 2));
    const rpcP99: number[] = [];
    const ledgerP99: number[] = [];
    const ledgerP50: number[] = [];
    const ledger = new pg.Client({ connectionString: platform.ledgerDb.url });
    await ledger.connect();
    try {
      for (let run = 0; run < runs; run++) {
        const before = await scrapeHistogram(platform.billingMetricsPort, 'billing_event_recording_delay_seconds');
        const half = await runLoad<AssignResult>('assign-load.ts', {
          ...common,
          SECONDS: '15',
          OFFSET: String(offset),
          RATE: String(rate),
        });
        offset += half.calls + 100;
        if (Object.keys(half.errors).length > 0) throw new Error(`refusals under load: ${JSON.stringify(half.errors)}`);
        const expected = offset;
        await waitFor(
          async () =>
            Number((await ledger.query<{ n: string }>('select count(*) as n from ledger_entry')).rows[0]!.n) >=
            expected - 100 * (run + 2),
          'ledger catching up',
          120_000,
        );
        // This run's observations: the cumulative buckets now, less those before it.
        const after = await scrapeHistogram(platform.billingMetricsPort, 'billing_event_recording_delay_seconds');
        const thisRun = after.map((bucket, i) => ({ le: bucket.le, count: bucket.count - (before[i]?.count ?? 0) }));
        rpcP99.push(half.p99Ms);
        ledgerP99.push(histogramQuantile(thisRun, 0.99) * 1000);
        ledgerP50.push(histogramQuantile(thisRun, 0.5) * 1000);
      }
    } finally {
      await ledger.end();
    }
    const ratio = median(ledgerP99) / median(rpcP99);
    return {
      id: 'latency',
      title: '5. Latency from an assignment to its ledger row',
      command: `npm run bench -- latency --runs ${runs}`,
      body: [
        `Licensing service (PostgreSQL, outbox relay to the mock Kafka broker) and billing consumer (own ` +
          `PostgreSQL ledger) as separate processes. Maximum AssignLicenses rate with 8 callers: ` +
          `${Math.round(max.calls / max.seconds)}/s; each run then holds ${rate}/s (half) for 15 s. The ` +
          `consumer's fetch wait is 20 ms (KAFKA_FETCH_MAX_WAIT_MS): the mock broker answers a waiting fetch ` +
          `only when the wait ends, where Kafka answers as soon as messages arrive.`,
        '',
        table(
          ['measure', 'p50 ms (median of runs)', 'p99 ms (median of runs)', 'spread of p99'],
          [
            ['AssignLicenses call (client side)', '-', median(rpcP99).toFixed(1), spread(rpcP99).text],
            [
              'change to committed ledger row (consumer side)',
              median(ledgerP50).toFixed(1),
              median(ledgerP99).toFixed(1),
              spread(ledgerP99).text,
            ],
          ],
        ),
        '',
        verdict(ratio < 10, `ledger p99 is ${ratio.toFixed(1)}x the call's p99 (target < 10x)`),
      ].join('\n'),
    };
  } finally {
    await platform.stop();
  }
}
