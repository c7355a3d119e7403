import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@acme/licensing-data-access';
import { createTestPostgres, type TestDatabase } from '@acme/testing';
import { startLicensingProcess, type LicensingProcess } from '../lib/licensing-process.js';
import { runLoad } from '../lib/load-process.js';
import { cpuMicros } from '../lib/processes.js';
import { seatDiscrepancies, seedBenchAccounts, type SeedPlan } from '../lib/seed.js';
import { median, medianRatio, spread } from '../lib/stats.js';
import { table, verdict, type BenchmarkSection } from '../lib/report.js';

const CLIENTS = 8;
const SECONDS = 10;
/** Users enough that no run gives anyone a second seat of the same product (raw pg does ~3k/s). */
const DISTRIBUTIONS: Record<'spread' | 'hot', SeedPlan> = {
  spread: { accounts: 1000, usersPerAccount: 250, seats: 1_000_000 },
  hot: { accounts: 1, usersPerAccount: 250_000, seats: 1_000_000 },
};

interface AssignResult { calls: number; seconds: number; errors: Record<string, number>; p50Ms: number; p99Ms: number }
interface RawResult { calls: number; seconds: number; errors: number }

/** A migrated, seeded licensing database for one side of one distribution. */
async function benchDatabase(name: string, plan: SeedPlan): Promise<TestDatabase> {
  const database = await createTestPostgres(`bench_${name}`);
  const db = await openDatabase({ databaseUrl: database.url });
  await db.migrate();
  await db.close();
  await seedBenchAccounts(database.url, plan);
  return database;
}

/**
 * Target 2: AssignLicenses on PostgreSQL (rules, audit, outbox, idempotency included) reaches at
 * least 60% of the raw-`pg` seat transaction's rate in the same run, on the same row distribution
 * (1,000 subscriptions, and one hot subscription), with no seat over-allocation.
 */
export async function writesBenchmark(runs: number): Promise<BenchmarkSection> {
  const databases: TestDatabase[] = [];
  const services: LicensingProcess[] = [];
  try {
    const sides = {} as Record<'spread' | 'hot', { raw: TestDatabase; service: LicensingProcess; tokensFile: string }>;
    for (const name of ['spread', 'hot'] as const) {
      const plan = DISTRIBUTIONS[name];
      const raw = await benchDatabase(`raw_${name}`, plan);
      const own = await benchDatabase(`svc_${name}`, plan);
      databases.push(raw, own);
      const service = await startLicensingProcess({ DATABASE_URL: own.url });
      services.push(service);
      const tokens: Record<string, string> = {};
      for (let a = 0; a < plan.accounts; a++) tokens[`acct_b${a}`] = await service.token({ subject: `usr_b${a}_admin`, accountId: `acct_b${a}`, roles: ['super_admin'] });
      const tokensFile = join(tmpdir(), `bench-tokens-${name}-${process.pid}.json`);
      writeFileSync(tokensFile, JSON.stringify(tokens));
      sides[name] = { raw, service, tokensFile };
    }

    const results = { spread: { raw: [] as number[], service: [] as number[], p50: [] as number[], p99: [] as number[], cpu: [] as number[] }, hot: { raw: [] as number[], service: [] as number[], p50: [] as number[], p99: [] as number[], cpu: [] as number[] } };
    const offsets = { spread: { raw: 0, service: 0 }, hot: { raw: 0, service: 0 } };
    for (let run = 0; run < runs; run++) {
      for (const name of ['spread', 'hot'] as const) {
        const plan = DISTRIBUTIONS[name];
        const side = sides[name];
        const common = { CLIENTS: String(CLIENTS), SECONDS: String(SECONDS), ACCOUNTS: String(plan.accounts), USERS: String(plan.usersPerAccount) };
        const raw = await runLoad<RawResult>('raw-seat-transaction.ts', { ...common, DATABASE_URL: side.raw.url, OFFSET: String(offsets[name].raw) });
        offsets[name].raw += raw.calls + raw.errors + CLIENTS;
        if (raw.errors > 0) throw new Error(`raw ${name}: ${raw.errors} transactions failed`);
        const cpuBefore = cpuMicros(side.service.process.pid);
        const service = await runLoad<AssignResult>('assign-load.ts', { ...common, ADDRESS: side.service.address, TOKENS_FILE: side.tokensFile, OFFSET: String(offsets[name].service) });
        offsets[name].service += service.calls + Object.values(service.errors).reduce((a, b) => a + b, 0) + CLIENTS;
        if (Object.keys(service.errors).length > 0) throw new Error(`AssignLicenses ${name}: refusals ${JSON.stringify(service.errors)}`);
        results[name].raw.push(raw.calls / raw.seconds);
        results[name].service.push(service.calls / service.seconds);
        results[name].p50.push(service.p50Ms);
        results[name].p99.push(service.p99Ms);
        results[name].cpu.push((cpuMicros(side.service.process.pid) - cpuBefore) / service.calls);
      }
    }
    const checks = await Promise.all([...databases].map((d) => seatDiscrepancies(d.url)));
    const overAllocated = checks.reduce((sum, c) => sum + c.overAllocated + c.counterMismatch, 0);

    const ratio = (name: 'spread' | 'hot') => medianRatio(results[name].service, results[name].raw);
    const rows = (['spread', 'hot'] as const).flatMap((name) => [
      [`raw pg seat transaction, ${name === 'spread' ? '1,000 subscriptions' : 'one hot subscription (FOR UPDATE)'}`, Math.round(median(results[name].raw)), spread(results[name].raw).text, '1.00', '-', '-'],
      [`AssignLicenses over gRPC, ${name}`, Math.round(median(results[name].service)), spread(results[name].service).text, ratio(name).toFixed(2), `${median(results[name].p50).toFixed(1)} / ${median(results[name].p99).toFixed(1)}`, Math.round(median(results[name].cpu))],
    ]);
    return {
      id: 'writes',
      title: '2. Writes against the raw seat transaction',
      command: `npm run bench -- writes --runs ${runs}`,
      body: [
        `${CLIENTS} concurrent callers, ${SECONDS} s per run, ${runs} runs alternating raw and service on each distribution; every side on its own PostgreSQL database seeded alike (spread: 1,000 accounts x 250 users; hot: 1 account x 250,000 users). AssignLicenses calls carry idempotency keys and run the rules, audit and outbox; no relay runs (no KAFKA_BROKERS), so events stay in the outbox. The raw transaction is read subscription, check, insert assignment, update counter, in raw \`pg\`.`,
        '',
        table(['what', 'per second (median)', 'spread', 'ratio to raw (median of per-run ratios)', 'p50 / p99 ms', 'service CPU per call (us)'], rows),
        '',
        `Seat counters after all runs: ${overAllocated === 0 ? 'no over-allocation, every counter equals its rows' : `${overAllocated} subscriptions over-allocated or mismatched`}.`,
        '',
        verdict(ratio('spread') >= 0.6 && overAllocated === 0, `spread at ${ratio('spread').toFixed(2)} of raw pg (target >= 0.60)`),
        '',
        verdict(ratio('hot') >= 0.6 && overAllocated === 0, `hot row at ${ratio('hot').toFixed(2)} of raw pg (target >= 0.60)`),
      ].join('\n'),
    };
  } finally {
    for (const service of services) await service.stop();
    for (const database of databases) await database.drop();
  }
}
