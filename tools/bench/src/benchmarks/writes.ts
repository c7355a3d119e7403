import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@acme/licensing-data-access';
import { createTestPostgres, type TestDatabase } from '@acme/testing';
import { captureAssignLicenses, rowCounts, type AssignCapture } from '../lib/capture-assign.js';
import { busyByGroup, busyTimeByFile, monotonicMicros } from '../lib/cpu-profile.js';
import { startLicensingProcess, type LicensingProcess } from '../lib/licensing-process.js';
import { runLoad } from '../lib/load-process.js';
import type { CpuWindow } from '../lib/machine-cpu.js';
import { PGBENCH, runPgbench } from '../lib/pgbench.js';
import { replayScript, replayVariables, type ReplayScript } from '../lib/pgbench-replay.js';
import { cpuMicros } from '../lib/processes.js';
import {
  seatDiscrepancies,
  seatDiscrepanciesLibsql,
  seedBenchAccounts,
  seedBenchAccountsLibsql,
  type SeedPlan,
} from '../lib/seed.js';
import { median, medianRatio, spread } from '../lib/stats.js';
import { table, verdict, type BenchmarkSection } from '../lib/report.js';

const CLIENTS = 8;
const SECONDS = 10;
const TARGET = 0.5;
/** Users enough that no run gives anyone a second seat of the same product (pgbench does a few thousand a second). */
const DISTRIBUTIONS: Record<'spread' | 'hot', SeedPlan> = {
  spread: { accounts: 1000, usersPerAccount: 250, seats: 1_000_000 },
  hot: { accounts: 1, usersPerAccount: 250_000, seats: 1_000_000 },
};

interface AssignResult extends CpuWindow {
  calls: number;
  seconds: number;
  errors: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
}
interface RawResult extends CpuWindow {
  calls: number;
  seconds: number;
  errors: number;
}

/**
 * Per-run figures of one comparison (the ceiling against the service); `*Machine` is what one
 * transaction or call cost the whole machine's CPU (every process, database included), `*Load`
 * what it cost the load process (pgbench itself for the ceiling; the service's caller).
 */
interface Series {
  ceiling: number[];
  service: number[];
  p50: number[];
  p99: number[];
  cpu: number[];
  ceilingMachine: number[];
  serviceMachine: number[];
  ceilingLoad: number[];
  serviceLoad: number[];
  phases: Record<string, number[]>;
}
const newSeries = (): Series => ({
  ceiling: [],
  service: [],
  p50: [],
  p99: [],
  cpu: [],
  ceilingMachine: [],
  serviceMachine: [],
  ceilingLoad: [],
  serviceLoad: [],
  phases: {},
});

/** One distribution: the pgbench side's database and the service (on its own database) with its tokens. */
interface Pairing {
  plan: SeedPlan;
  replayDb: TestDatabase;
  service: LicensingProcess;
  tokensFile: string;
  /** Next unique value of each side, so that no run gives a user a second seat. */
  offsets: { replay: number; service: number };
}

/** What the service's phase histogram (licensing_mutation_phase_seconds) gained between two scrapes: mean ms per phase. */
function phaseMeans(
  before: Record<string, { sum: number; count: number }>,
  after: Record<string, { sum: number; count: number }>,
): Record<string, number> {
  const means: Record<string, number> = {};
  for (const [phase, a] of Object.entries(after)) {
    const b = before[phase] ?? { sum: 0, count: 0 };
    if (a.count > b.count) means[phase] = ((a.sum - b.sum) / (a.count - b.count)) * 1000;
  }
  return means;
}

/** One run: pgbench replaying the capture, then AssignLicenses on the service, each for SECONDS; figures go to `into`. */
async function measureOnce(
  label: string,
  pairing: Pairing,
  capture: AssignCapture,
  scriptFile: string,
  workDir: string,
  into: Series,
): Promise<void> {
  const { plan, offsets, service } = pairing;
  const tables = Object.keys(capture.rowsAdded);
  const before = await rowCounts(pairing.replayDb.url, tables);
  const replay = await runPgbench({
    databaseUrl: pairing.replayDb.url,
    scriptFile,
    clients: CLIENTS,
    seconds: SECONDS,
    logDir: workDir,
    variables: replayVariables({
      base: offsets.replay,
      clients: CLIENTS,
      accounts: plan.accounts,
      users: plan.usersPerAccount,
    }),
  });
  offsets.replay += (Math.max(...replay.perClient) + 2) * CLIENTS;
  const after = await rowCounts(pairing.replayDb.url, tables);
  for (const t of tables) {
    const expected = replay.transactions * capture.rowsAdded[t]!;
    // A transaction pgbench cut at the end of its time may have committed uncounted: one per client at most.
    if (Math.abs(after[t]! - before[t]! - expected) > CLIENTS * capture.rowsAdded[t]!) {
      const wrote = after[t]! - before[t]!;
      throw new Error(
        `pgbench ${label}: ${wrote} rows in ${t} for ${replay.transactions} transactions; one AssignLicenses wrote ${capture.rowsAdded[t]}`,
      );
    }
  }

  const cpuBefore = cpuMicros(service.process.pid);
  const phasesBefore = await service.mutationPhases();
  const assigned = await runLoad<AssignResult>('assign-load.ts', {
    CLIENTS: String(CLIENTS),
    SECONDS: String(SECONDS),
    ACCOUNTS: String(plan.accounts),
    USERS: String(plan.usersPerAccount),
    ADDRESS: service.address,
    TOKENS_FILE: pairing.tokensFile,
    OFFSET: String(offsets.service),
  });
  const phasesAfter = await service.mutationPhases();
  offsets.service += assigned.calls + Object.values(assigned.errors).reduce((a, b) => a + b, 0) + CLIENTS;
  if (Object.keys(assigned.errors).length > 0)
    throw new Error(`AssignLicenses ${label}: refusals ${JSON.stringify(assigned.errors)}`);
  into.ceiling.push(replay.tps);
  into.service.push(assigned.calls / assigned.seconds);
  into.p50.push(assigned.p50Ms);
  into.p99.push(assigned.p99Ms);
  into.cpu.push((cpuMicros(service.process.pid) - cpuBefore) / assigned.calls);
  into.ceilingMachine.push(replay.machineBusyMicros / replay.transactions);
  into.serviceMachine.push(assigned.machineBusyMicros / assigned.calls);
  into.ceilingLoad.push(replay.ownCpuMicros / replay.transactions);
  into.serviceLoad.push(assigned.ownCpuMicros / assigned.calls);
  for (const [phase, ms] of Object.entries(phaseMeans(phasesBefore, phasesAfter))) (into.phases[phase] ??= []).push(ms);
}

const TABLE_HEADERS = [
  'what',
  'per second (median)',
  'spread',
  'ratio to ceiling (median of per-run ratios)',
  'p50 / p99 ms',
  'service CPU per call (us)',
  'load process CPU per call (us)',
  'machine CPU per call (us)',
];

/** The two table rows of a comparison: the ceiling, then the service against it. */
function comparisonRows(ceilingLabel: string, serviceLabel: string, series: Series): (string | number)[][] {
  return [
    [
      ceilingLabel,
      Math.round(median(series.ceiling)),
      spread(series.ceiling).text,
      '1.00',
      '-',
      '-',
      Math.round(median(series.ceilingLoad)),
      Math.round(median(series.ceilingMachine)),
    ],
    [
      serviceLabel,
      Math.round(median(series.service)),
      spread(series.service).text,
      medianRatio(series.service, series.ceiling).toFixed(2),
      `${median(series.p50).toFixed(1)} / ${median(series.p99).toFixed(1)}`,
      Math.round(median(series.cpu)),
      Math.round(median(series.serviceLoad)),
      Math.round(median(series.serviceMachine)),
    ],
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
  for (let a = 0; a < plan.accounts; a++)
    tokens[`acct_b${a}`] = await service.token({ subject: `usr_b${a}_admin`, accountId: `acct_b${a}` });
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
 * Where the service's CPU went under the spread load, by what code each sample was in (V8 profile
 * of the service process; frames without a file are V8's or native, named by function).
 */
export const PROFILE_GROUPS: [string, RegExp][] = [
  [
    'socket writes (writev, writeBuffer: wall time of the syscall, often preempted by the PostgreSQL backend or client it wakes)',
    /^\((writev|writeBuffer|writeUtf8String|writeLatin1String)\)$/,
  ],
  ['garbage collector', /^\(\(garbage collector\)\)$/],
  ['(program): V8 and native code outside JavaScript functions', /^\(\(program\)\)$/],
  ['our code (the bundle: handlers, rules glue, data access, transport glue)', /\/dist\/licensing-service\.mjs$/],
  [
    'node-postgres (pg, pg-protocol, pg-pool, pg-types)',
    /node_modules\/(.*\/)?(pg|pg-protocol|pg-pool|pg-types|postgres-[a-z]+)\//,
  ],
  ['MikroORM and Kysely', /node_modules\/(@mikro-orm|kysely)\//],
  ['protobuf (@bufbuild)', /node_modules\/@bufbuild\//],
  ['gRPC (@grpc) and Node HTTP/2', /node_modules\/@grpc\/|^node:internal\/http2/],
  [
    'rules engine (json-rules-engine, jsonpath-plus, clone, hash-it, eventemitter2)',
    /node_modules\/(json-rules-engine|jsonpath-plus|clone|hash-it|eventemitter2)\//,
  ],
  ['crypto (Node: hashes, random bytes, token signatures)', /^node:internal\/crypto/],
  ['auth (jose)', /node_modules\/jose\//],
  ['logging and metrics (pino, prom-client)', /node_modules\/(pino|prom-client|thread-stream|sonic-boom)\//],
  ['other Node internals and builtins (events, streams, timers, microtasks, buffers, JSON)', /^node:|^\(/],
];

/** Profiles a service on the spread database under the same load for SECONDS; shares of its busy CPU by PROFILE_GROUPS. */
async function profileSpread(
  pairing: Pairing,
  databaseUrl: string,
  workDir: string,
): Promise<{ rows: (string | number)[][]; busyMsPerCall: number }> {
  const profileDir = mkdtempSync(join(workDir, 'profile-'));
  const service = await startLicensingProcess(
    { DATABASE_URL: databaseUrl },
    { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] },
  );
  let calls = 0;
  const window = { from: 0, to: 0 };
  try {
    const tokensFile = await writeTokens(workDir, service, pairing.plan, 'profile');
    window.from = monotonicMicros();
    const load = await runLoad<AssignResult>('assign-load.ts', {
      CLIENTS: String(CLIENTS),
      SECONDS: String(SECONDS),
      ACCOUNTS: String(pairing.plan.accounts),
      USERS: String(pairing.plan.usersPerAccount),
      ADDRESS: service.address,
      TOKENS_FILE: tokensFile,
      OFFSET: String(pairing.offsets.service),
    });
    window.to = monotonicMicros();
    pairing.offsets.service += load.calls + CLIENTS;
    calls = load.calls;
  } finally {
    await service.stop(); // the profile is written on exit
  }
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('the service wrote no CPU profile');
  const profile = busyTimeByFile(join(profileDir, file), window);
  if (profile.busyMs === 0) throw new Error('the CPU profile has no samples in the load window');
  const rows = busyByGroup(profile, PROFILE_GROUPS).map(({ group, ms, share }) => [
    group,
    `${(share * 100).toFixed(1)}%`,
    Math.round((ms * 1000) / calls),
  ]);
  return { rows, busyMsPerCall: profile.busyMs / calls };
}

/** The statements the ceiling replays, one line each: round trip, how the service sent it, the start of its text. */
function statementList(capture: AssignCapture): string {
  const first = capture.statements[0]?.roundTrip ?? 0;
  const rows = capture.statements.map((s) => {
    const text = s.text.replace(/\s+/g, ' ').trim();
    const sentAs =
      s.protocol === 'Q'
        ? 'simple query'
        : `${s.statementName ? `prepared (${s.statementName})` : 'unnamed'}, ${s.params.length} parameters`;
    return [
      s.roundTrip - first + 1,
      sentAs,
      `\`${text.slice(0, 90).replaceAll('|', '\\|')}${text.length > 90 ? '...' : ''}\``,
    ];
  });
  return table(['round trip', 'sent as', 'statement'], rows);
}

/**
 * Target 2: AssignLicenses on PostgreSQL (rules, audit, outbox, idempotency included) reaches at
 * least half the rate of pgbench replaying the statements one AssignLicenses of the same build
 * sends (captured at bench time), at the same concurrency on databases seeded alike (1,000
 * accounts, and one hot account), with no seat over-allocation.
 */
export async function writesBenchmark(runs: number): Promise<BenchmarkSection> {
  const databases: TestDatabase[] = [];
  const services: LicensingProcess[] = [];
  const workDir = mkdtempSync(join(tmpdir(), 'bench-writes-'));
  try {
    const capture = await captureAssignLicenses();
    const replay: ReplayScript = replayScript(capture);
    const scriptFile = join(workDir, 'assign-licenses.pgbench');
    writeFileSync(scriptFile, replay.script);

    const pairings = {} as Record<'spread' | 'hot', Pairing>;
    const serviceDbs = {} as Record<'spread' | 'hot', TestDatabase>;
    for (const name of ['spread', 'hot'] as const) {
      const plan = DISTRIBUTIONS[name];
      const replayDb = await benchDatabase(`pgbench_${name}`, plan);
      const own = await benchDatabase(`svc_${name}`, plan);
      databases.push(replayDb, own);
      serviceDbs[name] = own;
      const service = await startLicensingProcess({ DATABASE_URL: own.url });
      services.push(service);
      const tokensFile = await writeTokens(workDir, service, plan, name);
      pairings[name] = { plan, replayDb, service, tokensFile, offsets: { replay: 0, service: 0 } };
    }

    const results = { spread: newSeries(), hot: newSeries() };
    for (let run = 0; run < runs; run++) {
      for (const name of ['spread', 'hot'] as const)
        await measureOnce(name, pairings[name], capture, scriptFile, workDir, results[name]);
    }
    for (const service of services.splice(0)) await service.stop();
    const profile = await profileSpread(pairings.spread, serviceDbs.spread.url, workDir);

    // The embedded mode: the same service on a libsql file against the raw transaction on another.
    const plan = DISTRIBUTIONS.spread;
    const rawFile = await benchLibsqlFile(workDir, 'raw', plan);
    const ownFile = await benchLibsqlFile(workDir, 'service', plan);
    const embedded = await startLicensingProcess({ SQLITE_PATH: ownFile });
    services.push(embedded);
    const libsqlTokens = await writeTokens(workDir, embedded, plan, 'libsql');
    const libsql = newSeries();
    const libsqlOffsets = { raw: 0, service: 0 };
    for (let run = 0; run < runs; run++) {
      const common = {
        CLIENTS: String(CLIENTS),
        SECONDS: String(SECONDS),
        ACCOUNTS: String(plan.accounts),
        USERS: String(plan.usersPerAccount),
      };
      const raw = await runLoad<RawResult>('raw-seat-transaction-libsql.ts', {
        ...common,
        SQLITE_PATH: rawFile,
        OFFSET: String(libsqlOffsets.raw),
      });
      libsqlOffsets.raw += raw.calls + raw.errors + CLIENTS;
      if (raw.errors > 0) throw new Error(`raw libsql: ${raw.errors} transactions failed`);
      const cpuBefore = cpuMicros(embedded.process.pid);
      const target = { ADDRESS: embedded.address, TOKENS_FILE: libsqlTokens, OFFSET: String(libsqlOffsets.service) };
      const assigned = await runLoad<AssignResult>('assign-load.ts', { ...common, ...target });
      libsqlOffsets.service += assigned.calls + CLIENTS;
      if (Object.keys(assigned.errors).length > 0)
        throw new Error(`AssignLicenses libsql: refusals ${JSON.stringify(assigned.errors)}`);
      libsql.ceiling.push(raw.calls / raw.seconds);
      libsql.service.push(assigned.calls / assigned.seconds);
      libsql.p50.push(assigned.p50Ms);
      libsql.p99.push(assigned.p99Ms);
      libsql.cpu.push((cpuMicros(embedded.process.pid) - cpuBefore) / assigned.calls);
      libsql.ceilingMachine.push(raw.machineBusyMicros / raw.calls);
      libsql.serviceMachine.push(assigned.machineBusyMicros / assigned.calls);
      libsql.ceilingLoad.push(raw.ownCpuMicros / raw.calls);
      libsql.serviceLoad.push(assigned.ownCpuMicros / assigned.calls);
    }
    await embedded.stop();
    services.pop();

    const checks = [
      ...(await Promise.all(databases.map((d) => seatDiscrepancies(d.url)))),
      ...[rawFile, ownFile].map(seatDiscrepanciesLibsql),
    ];
    const overAllocated = checks.reduce((sum, c) => sum + c.overAllocated + c.counterMismatch, 0);

    const ratio = (name: 'spread' | 'hot') => medianRatio(results[name].service, results[name].ceiling);
    const rows = (['spread', 'hot'] as const).flatMap((name) => {
      const where = name === 'spread' ? '1,000 accounts' : 'one hot account';
      return comparisonRows(
        `pgbench replaying one AssignLicenses, ${where}`,
        `AssignLicenses over gRPC, ${name}`,
        results[name],
      );
    });
    const phases = [...new Set([...Object.keys(results.spread.phases), ...Object.keys(results.hot.phases)])];
    const phaseRows = (['spread', 'hot'] as const).map((name) => {
      const { phases: byPhase, service, ceiling } = results[name];
      // Only on the hot row do the calls take turns at one lock, so that 1 / rate is a turn.
      const turns =
        name === 'hot' ? [(1000 / median(service)).toFixed(2), (1000 / median(ceiling)).toFixed(2)] : ['-', '-'];
      return [name, ...phases.map((phase) => (byPhase[phase] ? median(byPhase[phase]).toFixed(2) : '-')), ...turns];
    });
    const libsqlRows = comparisonRows(
      'raw libsql seat transaction, 1,000 subscriptions (one writer, in process)',
      'AssignLicenses over gRPC on libsql, spread',
      libsql,
    );
    const rowsAdded = Object.entries(capture.rowsAdded)
      .map(([t, n]) => `${n} ${t}`)
      .join(', ');
    const seats =
      overAllocated === 0
        ? 'no over-allocation, every counter equals its rows'
        : `${overAllocated} subscriptions over-allocated or mismatched`;
    const paragraph = (...sentences: string[]) => sentences.join(' ');
    return {
      id: 'writes',
      title: '2. Writes against pgbench replaying one AssignLicenses',
      command: `npm run bench -- writes --runs ${runs}`,
      body: [
        paragraph(
          'The ceiling is PostgreSQL running exactly the statements this build sends.',
          'At the start of the bench the built service runs once more, on a database of its own, behind a recording TCP proxy',
          '(`tools/bench/src/lib/capture-assign.ts`, `pg-protocol-recorder.ts`): after',
          `${capture.warmUpCalls} warm-up calls, the statements of one AssignLicenses are decoded from the PostgreSQL frontend protocol`,
          `with their parameters, until two calls sent the same ones (here after ${capture.callsCaptured}).`,
          '`pgbench-replay.ts` turns them into a pgbench script: the same texts in the same order, transactions and round trips;',
          'statements the service prepares are PREPAREd once per connection and EXECUTEd, the others go as text.',
          `Per transaction it replaces the ${replay.substituted.join(', ')}, so that each transaction assigns a seat to a new user`,
          "of the next account, as the service's load does.",
          `One AssignLicenses here: ${replay.statements} statements in ${replay.roundTrips} round trips, ${replay.prepared} of them prepared:`,
        ),
        '',
        statementList(capture),
        '',
        paragraph(
          `Each run, per distribution: \`${PGBENCH} -n -M simple -c ${CLIENTS} -j 1 -T ${SECONDS}\` with that script on its own database,`,
          `then ${CLIENTS} concurrent AssignLicenses callers for ${SECONDS} s on the service's; both databases migrated and seeded alike`,
          `(spread: 1,000 accounts x 250 users; hot: 1 account x 250,000 users); ${runs} runs.`,
          `After each pgbench run its database must have gained what one AssignLicenses wrote (${rowsAdded}) per transaction.`,
          'The calls carry idempotency keys and run the rules, audit and outbox; no relay runs (no KAFKA_BROKERS).',
          "The service's caller is a bare HTTP/2 client (`tools/bench/src/lib/bare-grpc-caller.ts`).",
          "Load process CPU is what pgbench, or the service's caller, spent per transaction or call; machine CPU per call is the",
          "whole machine's busy time (/proc/stat) over the run divided by its calls, anything else running at the time included.",
        ),
        '',
        table(TABLE_HEADERS, rows),
        '',
        ...(phases.length > 0
          ? [
              paragraph(
                "Where an AssignLicenses call's time goes, from the service's own histogram (`licensing_mutation_phase_seconds`:",
                `mean per committed call in each run, median of the runs). On the hot row, where the ${CLIENTS} callers all want one`,
                "account, 1 / rate is a call's turn at the account (last two columns, for the service and for pgbench).",
              ),
              '',
              table(
                [
                  'distribution',
                  ...phases.map((p) => `${p} ms`),
                  'AssignLicenses: 1 / rate ms',
                  'pgbench: 1 / rate ms',
                ],
                phaseRows,
              ),
              '',
            ]
          : []),
        paragraph(
          "Where the service's CPU goes on the spread rows: a V8 CPU profile of a service started with `--cpu-prof` on the spread",
          `database after the runs, under the same ${CLIENTS} callers for ${SECONDS} s, counting only the samples of the load's window`,
          `(${profile.busyMsPerCall.toFixed(2)} ms of profiled busy time per call, the wall time of socket writes included),`,
          'by the code each sample was in:',
        ),
        '',
        table(['code', 'share of busy samples', 'us per call'], profile.rows),
        '',
        paragraph(
          'The embedded mode, reported against its own ceiling (no target): the service on a libsql file (no DATABASE_URL)',
          'against the seat transaction (read the subscription, check, insert the assignment, update the counter) with the',
          '`libsql` driver MikroORM uses, on another file seeded alike (spread). SQLite has one writer and the driver is',
          `synchronous, so the raw transactions run one after another; the service takes the same ${CLIENTS} callers and runs`,
          'their transactions one at a time.',
        ),
        '',
        table(TABLE_HEADERS, libsqlRows),
        '',
        `Seat counters after all runs (PostgreSQL, pgbench's included, and libsql): ${seats}.`,
        '',
        verdict(
          ratio('spread') >= TARGET && overAllocated === 0,
          `spread at ${ratio('spread').toFixed(2)} of pgbench (target >= ${TARGET.toFixed(2)})`,
        ),
        '',
        verdict(
          ratio('hot') >= TARGET && overAllocated === 0,
          `hot account at ${ratio('hot').toFixed(2)} of pgbench (target >= ${TARGET.toFixed(2)})`,
        ),
      ].join('\n'),
    };
  } finally {
    for (const service of services) await service.stop();
    for (const database of databases) await database.drop();
    rmSync(workDir, { recursive: true, force: true });
  }
}
