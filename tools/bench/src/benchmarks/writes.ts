import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@acme/licensing-data-access';
import { createTestPostgres, type TestDatabase } from '@acme/testing';
import { startLicensingProcess, type LicensingProcess } from '../lib/licensing-process.js';
import { runLoad } from '../lib/load-process.js';
import type { CpuWindow } from '../lib/machine-cpu.js';
import { cpuMicros } from '../lib/processes.js';
import { seatDiscrepancies, seatDiscrepanciesLibsql, seedBenchAccounts, seedBenchAccountsLibsql, type SeedPlan } from '../lib/seed.js';
import { median, medianRatio, spread } from '../lib/stats.js';
import { table, verdict, type BenchmarkSection } from '../lib/report.js';

const CLIENTS = 8;
const SECONDS = 10;
/** Users enough that no run gives anyone a second seat of the same product (raw pg does ~3k/s). */
const DISTRIBUTIONS: Record<'spread' | 'hot', SeedPlan> = {
  spread: { accounts: 1000, usersPerAccount: 250, seats: 1_000_000 },
  hot: { accounts: 1, usersPerAccount: 250_000, seats: 1_000_000 },
};

interface AssignResult extends CpuWindow { calls: number; seconds: number; errors: Record<string, number>; p50Ms: number; p99Ms: number }
interface RawResult extends CpuWindow { calls: number; seconds: number; errors: number }

/**
 * Per-run figures of one comparison (a raw transaction against the service); `*Machine` is what one
 * transaction or call cost the whole machine's CPU (every process, database included), `*Load`
 * what it cost the load process (for raw, that is the transaction's client; for the service, its caller).
 */
interface Series { raw: number[]; service: number[]; p50: number[]; p99: number[]; cpu: number[]; rawMachine: number[]; serviceMachine: number[]; rawLoad: number[]; serviceLoad: number[]; phases: Record<Phase, number[]> }
const newSeries = (): Series => ({ raw: [], service: [], p50: [], p99: [], cpu: [], rawMachine: [], serviceMachine: [], rawLoad: [], serviceLoad: [], phases: { prefetch: [], decide: [], commit: [] } });

/** The phases of a committed mutation the service reports (licensing_mutation_phase_seconds; PostgreSQL only). */
const PHASES = ['prefetch', 'decide', 'commit'] as const;
type Phase = (typeof PHASES)[number];

/** One side of a comparison: where the raw transaction runs, and the service with its tokens. */
interface Pairing {
  label: string;
  plan: SeedPlan;
  raw: { script: string; env: Record<string, string> };
  service: LicensingProcess;
  tokensFile: string;
  /** Next bench user of each side, so that no run gives a user a second seat. */
  offsets: { raw: number; service: number };
}

/** One run: the raw transaction, then AssignLicenses on the service, each for SECONDS; figures go to `into`. */
async function measureOnce(pairing: Pairing, into: Series): Promise<void> {
  const { label, plan, offsets, service } = pairing;
  const common = { CLIENTS: String(CLIENTS), SECONDS: String(SECONDS), ACCOUNTS: String(plan.accounts), USERS: String(plan.usersPerAccount) };
  const raw = await runLoad<RawResult>(pairing.raw.script, { ...common, ...pairing.raw.env, OFFSET: String(offsets.raw) });
  offsets.raw += raw.calls + raw.errors + CLIENTS;
  if (raw.errors > 0) throw new Error(`raw ${label}: ${raw.errors} transactions failed`);
  const cpuBefore = cpuMicros(service.process.pid);
  const phasesBefore = await service.mutationPhases();
  const assigned = await runLoad<AssignResult>('assign-load.ts', { ...common, ADDRESS: service.address, TOKENS_FILE: pairing.tokensFile, OFFSET: String(offsets.service) });
  const phasesAfter = await service.mutationPhases();
  offsets.service += assigned.calls + Object.values(assigned.errors).reduce((a, b) => a + b, 0) + CLIENTS;
  if (Object.keys(assigned.errors).length > 0) throw new Error(`AssignLicenses ${label}: refusals ${JSON.stringify(assigned.errors)}`);
  into.raw.push(raw.calls / raw.seconds);
  into.service.push(assigned.calls / assigned.seconds);
  into.p50.push(assigned.p50Ms);
  into.p99.push(assigned.p99Ms);
  into.cpu.push((cpuMicros(service.process.pid) - cpuBefore) / assigned.calls);
  into.rawMachine.push(raw.machineBusyMicros / raw.calls);
  into.serviceMachine.push(assigned.machineBusyMicros / assigned.calls);
  into.rawLoad.push(raw.ownCpuMicros / raw.calls);
  into.serviceLoad.push(assigned.ownCpuMicros / assigned.calls);
  for (const phase of PHASES) {
    const [before, after] = [phasesBefore[phase] ?? { sum: 0, count: 0 }, phasesAfter[phase] ?? { sum: 0, count: 0 }];
    if (after.count > before.count) into.phases[phase].push(((after.sum - before.sum) / (after.count - before.count)) * 1000);
  }
}

const TABLE_HEADERS = ['what', 'per second (median)', 'spread', 'ratio to raw (median of per-run ratios)', 'p50 / p99 ms', 'service CPU per call (us)', 'load process CPU per call (us)', 'machine CPU per call (us)'];

/** The two table rows of a comparison: the raw ceiling, then the service against it. */
function comparisonRows(rawLabel: string, serviceLabel: string, series: Series): (string | number)[][] {
  return [
    [rawLabel, Math.round(median(series.raw)), spread(series.raw).text, '1.00', '-', '-', Math.round(median(series.rawLoad)), Math.round(median(series.rawMachine))],
    [serviceLabel, Math.round(median(series.service)), spread(series.service).text, medianRatio(series.service, series.raw).toFixed(2), `${median(series.p50).toFixed(1)} / ${median(series.p99).toFixed(1)}`, Math.round(median(series.cpu)), Math.round(median(series.serviceLoad)), Math.round(median(series.serviceMachine))],
  ];
}

/** A migrated, seeded licensing database for one side of one distribution. */
async function benchDatabase(name: string, plan: SeedPlan): Promise<TestDatabase> {
  const database = await createTestPostgres(`bench_${name}`);
  const db = await openDatabase({ databaseUrl: database.url });
  await db.migrate();
  await db.close();
  await seedBenchAccounts(database.url, plan);
  return database;
}

/** A super admin's token for every bench account, signed for `service`, in a file (under `dir`) for the load process. */
async function writeTokens(dir: string, service: LicensingProcess, plan: SeedPlan, name: string): Promise<string> {
  const tokens: Record<string, string> = {};
  for (let a = 0; a < plan.accounts; a++) tokens[`acct_b${a}`] = await service.token({ subject: `usr_b${a}_admin`, accountId: `acct_b${a}` });
  const tokensFile = join(dir, `tokens-${name}.json`);
  writeFileSync(tokensFile, JSON.stringify(tokens));
  return tokensFile;
}

/** A migrated, seeded libsql file (the embedded mode) for one side. */
async function benchLibsqlFile(dir: string, name: string, plan: SeedPlan): Promise<string> {
  const path = join(dir, `${name}.db`);
  const db = await openDatabase({ sqlitePath: path });
  await db.migrate();
  await db.close();
  seedBenchAccountsLibsql(path, plan);
  return path;
}

/**
 * Target 2: AssignLicenses on PostgreSQL (rules, audit, outbox, idempotency included) reaches at
 * least 60% of the raw-`pg` seat transaction's rate in the same run, on the same row distribution
 * (1,000 subscriptions, and one hot subscription), with no seat over-allocation.
 */
export async function writesBenchmark(runs: number): Promise<BenchmarkSection> {
  const databases: TestDatabase[] = [];
  const services: LicensingProcess[] = [];
  const workDir = mkdtempSync(join(tmpdir(), 'bench-writes-'));
  try {
    const pairings = {} as Record<'spread' | 'hot', Pairing>;
    for (const name of ['spread', 'hot'] as const) {
      const plan = DISTRIBUTIONS[name];
      const raw = await benchDatabase(`raw_${name}`, plan);
      const own = await benchDatabase(`svc_${name}`, plan);
      databases.push(raw, own);
      const service = await startLicensingProcess({ DATABASE_URL: own.url });
      services.push(service);
      const tokensFile = await writeTokens(workDir, service, plan, name);
      pairings[name] = { label: name, plan, raw: { script: 'raw-seat-transaction.ts', env: { DATABASE_URL: raw.url } }, service, tokensFile, offsets: { raw: 0, service: 0 } };
    }

    const results = { spread: newSeries(), hot: newSeries() };
    for (let run = 0; run < runs; run++) {
      for (const name of ['spread', 'hot'] as const) await measureOnce(pairings[name], results[name]);
    }
    // The embedded mode: the same service on a libsql file against the raw transaction on another.
    const plan = DISTRIBUTIONS.spread;
    const rawFile = await benchLibsqlFile(workDir, 'raw', plan);
    const ownFile = await benchLibsqlFile(workDir, 'service', plan);
    const embedded = await startLicensingProcess({ SQLITE_PATH: ownFile });
    services.push(embedded);
    const libsqlPairing: Pairing = {
      label: 'libsql', plan, raw: { script: 'raw-seat-transaction-libsql.ts', env: { SQLITE_PATH: rawFile } }, service: embedded,
      tokensFile: await writeTokens(workDir, embedded, plan, 'libsql'), offsets: { raw: 0, service: 0 },
    };
    const libsql = newSeries();
    for (let run = 0; run < runs; run++) await measureOnce(libsqlPairing, libsql);
    await embedded.stop();
    services.pop();

    const checks = [...(await Promise.all([...databases].map((d) => seatDiscrepancies(d.url)))), ...[rawFile, ownFile].map(seatDiscrepanciesLibsql)];
    const overAllocated = checks.reduce((sum, c) => sum + c.overAllocated + c.counterMismatch, 0);

    const ratio = (name: 'spread' | 'hot') => medianRatio(results[name].service, results[name].raw);
    const rows = (['spread', 'hot'] as const).flatMap((name) =>
      comparisonRows(`raw pg seat transaction, ${name === 'spread' ? '1,000 subscriptions' : 'one hot subscription (FOR UPDATE)'}`, `AssignLicenses over gRPC, ${name}`, results[name]),
    );
    const phaseRows = (['spread', 'hot'] as const).map((name) => {
      const { phases, service, raw } = results[name];
      // Only on the hot row do the calls take turns at one lock, so that 1 / rate is a turn.
      const turns = name === 'hot' ? [(1000 / median(service)).toFixed(2), (1000 / median(raw)).toFixed(2)] : ['-', '-'];
      return [name, ...PHASES.map((phase) => median(phases[phase]).toFixed(2)), ...turns];
    });
    const libsqlRows = comparisonRows('raw libsql seat transaction, 1,000 subscriptions (one writer, in process)', 'AssignLicenses over gRPC on libsql, spread', libsql);
    return {
      id: 'writes',
      title: '2. Writes against the raw seat transaction',
      command: `npm run bench -- writes --runs ${runs}`,
      body: [
        `${CLIENTS} concurrent callers, ${SECONDS} s per run, ${runs} runs alternating raw and service on each distribution; every side on its own PostgreSQL database seeded alike (spread: 1,000 accounts x 250 users; hot: 1 account x 250,000 users). AssignLicenses calls carry idempotency keys and run the rules, audit and outbox; no relay runs (no KAFKA_BROKERS), so events stay in the outbox. The raw transaction is read subscription, check, insert assignment, update counter, in raw \`pg\`. The service's caller is a bare HTTP/2 client (\`tools/bench/src/lib/bare-grpc-caller.ts\`) rather than grpc-js, whose client spent 300-450 us of CPU per call on the cores the service and PostgreSQL share. Load process CPU is what the load generator itself spent per call (for raw, that process is the transaction's client); machine CPU per call is the busy time of every process on the machine (service, PostgreSQL, load generator; /proc/stat) over the load's run, divided by its calls: while both sides keep the cores busy, the rates stand in about the inverse ratio of these.`,
        '',
        table(TABLE_HEADERS, rows),
        '',
        `Where an AssignLicenses call's time goes on PostgreSQL, from the service's own histogram (\`licensing_mutation_phase_seconds\`: mean per committed call in each run, median of the runs): the prefetch (sent with BEGIN; it waits for the account's lock, then reads), the service's work between its answer and the write statement (rules included), and the write statement with its COMMIT. The service queues the mutations of one account in memory and runs those waiting together in one transaction, one after another (each prefetches, decides and writes; only the last write carries the COMMIT): on the hot row, where the ${CLIENTS} callers all want one account, a call's share of the account is prefetch + decide + write, and 1 / rate is that share (last two columns, for the service and for the raw transaction's turn at its row; on the spread rows the calls do not wait for each other, so there is no turn). The wait in the queue is in none of the phases.`,
        '',
        table(['distribution', 'prefetch (lock wait, reads) ms', 'decide ms', 'write + commit ms', 'AssignLicenses: 1 / rate ms', 'raw transaction: 1 / rate ms'], phaseRows),
        '',
        'The embedded mode, reported against its own ceiling (no target is set for it): the service on a libsql file (no DATABASE_URL) against the same raw transaction with the `libsql` driver MikroORM uses, on another file seeded alike (spread). SQLite has one writer and the driver is synchronous, so the raw transactions run one after another; the service takes the same 8 callers and runs their transactions one at a time.',
        '',
        table(TABLE_HEADERS, libsqlRows),
        '',
        `Seat counters after all runs (PostgreSQL and libsql): ${overAllocated === 0 ? 'no over-allocation, every counter equals its rows' : `${overAllocated} subscriptions over-allocated or mismatched`}.`,
        '',
        verdict(ratio('spread') >= 0.6 && overAllocated === 0, `spread at ${ratio('spread').toFixed(2)} of raw pg (target >= 0.60)`),
        '',
        verdict(ratio('hot') >= 0.6 && overAllocated === 0, `hot row at ${ratio('hot').toFixed(2)} of raw pg (target >= 0.60)`),
      ].join('\n'),
    };
  } finally {
    for (const service of services) await service.stop();
    for (const database of databases) await database.drop();
    rmSync(workDir, { recursive: true, force: true });
  }
}
