import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { LicensingService } from '@acme/contracts';
import { openDatabase } from '@acme/licensing-data-access';
import { createTestPostgres, startTcpProxy } from '@acme/testing';
import { BareGrpcCaller } from './bare-grpc-caller.js';
import { startLicensingProcess } from './licensing-process.js';
import { PgProtocolRecorder, type RecordedStatement } from './pg-protocol-recorder.js';
import { withoutLiterals } from './pgbench-replay.js';
import { seedBenchAccounts } from './seed.js';

/**
 * The account's event sequence before the capture: a number no other parameter of a call carries
 * by chance, so that the sequence numbers a call writes can be recognized in its parameters.
 */
export const CAPTURE_SEQUENCE_BASE = 1_000_000_000;
/** The bench account the capture assigns in (`acct_b7`; its users `usr_b7_<n>`, its admin `usr_b7_admin`). */
const ACCOUNT = 7;
const WARM_UP_CALLS = 3;

/** What one AssignLicenses sent PostgreSQL, with the values the call was made with. */
export interface AssignCapture {
  statements: RecordedStatement[];
  /** The values of this call that a replay replaces per call (the ids it generated are found by their shape). */
  call: { account: string; user: string; admin: string; idempotencyKey: string; sequenceBase: number };
  /** Rows the call added to each table (tables it did not change are left out). */
  rowsAdded: Record<string, number>;
  /** Calls made before the captured ones, to warm the service's caches and its connections' prepared statements. */
  warmUpCalls: number;
  /** How many calls were captured to find one whose statements another call repeated. */
  callsCaptured: number;
}

/**
 * Captures the statements one warm AssignLicenses sends PostgreSQL, from the build under bench:
 * the built service runs on a database of its own, seeded as the bench seeds (with the account's
 * event sequence set to CAPTURE_SEQUENCE_BASE), through a TCP proxy whose tap decodes the frontend
 * protocol (PgProtocolRecorder). After warm-up calls of the same account (its caches, the pool's
 * prepared statements), calls are recorded one at a time from request to answer (and 100 ms after,
 * for anything the call set off), until two calls sent the same statements: a statement of a
 * background task (the retention sweep's timer) in one window cannot pass for part of the call.
 * The service under measurement never runs behind the proxy.
 */
export async function captureAssignLicenses(): Promise<AssignCapture> {
  const database = await createTestPostgres('bench_capture');
  const recorder = new PgProtocolRecorder();
  const server = new URL(database.url);
  const proxy = await startTcpProxy(
    { host: server.hostname, port: Number(server.port || 5432) },
    { onData: recorder.onData },
  );
  const direct = new pg.Client({ connectionString: database.url });
  let service: Awaited<ReturnType<typeof startLicensingProcess>> | null = null;
  let caller: BareGrpcCaller | null = null;
  try {
    const db = await openDatabase({ databaseUrl: database.url });
    await db.migrate();
    await db.close();
    await seedBenchAccounts(database.url, { accounts: 10, usersPerAccount: 20, seats: 1_000 });
    await direct.connect();
    await direct.query('update account set event_sequence = $1 where id = $2', [
      CAPTURE_SEQUENCE_BASE,
      `acct_b${ACCOUNT}`,
    ]);
    service = await startLicensingProcess({ DATABASE_URL: proxy.url(database.url) });
    const token = await service.token({ subject: `usr_b${ACCOUNT}_admin`, accountId: `acct_b${ACCOUNT}` });
    caller = new BareGrpcCaller(service.address);
    const run = caller;
    const tag = randomBytes(4).toString('hex');
    const assign = async (user: number) => {
      const request = {
        userId: `usr_b${ACCOUNT}_${user}`,
        products: [{ productId: 'goto_meeting' }],
        idempotencyKey: `capture-${tag}-${user}`,
      };
      const answer = await run.call(LicensingService.method.assignLicenses, request, token).catch((error: unknown) => {
        throw new Error(
          `the captured AssignLicenses for ${request.userId} failed (${(error as Error).message}); the service said:\n${service?.process.stderr()}`,
        );
      });
      if (!answer.results[0]?.assignment)
        throw new Error(`the captured AssignLicenses for ${request.userId} was answered without its assignment`);
      return request;
    };
    for (let user = 0; user < WARM_UP_CALLS; user++) await assign(user);

    const tables = (await direct.query<{ name: string }>(TABLES_SQL)).rows.map((r) => r.name);
    const counts = () => rowCounts(database.url, tables);
    const captures: {
      statements: RecordedStatement[];
      request: { userId: string; idempotencyKey: string };
      rowsAdded: Record<string, number>;
    }[] = [];
    for (let user = WARM_UP_CALLS; user < WARM_UP_CALLS + 5; user++) {
      const before = await counts();
      recorder.start();
      const request = await assign(user);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const statements = recorder.stop();
      const after = await counts();
      const rowsAdded = Object.fromEntries(
        tables.filter((t) => after[t] !== before[t]).map((t) => [t, after[t]! - before[t]!]),
      );
      captures.push({ statements, request, rowsAdded });
      const twin = captures.find((c) => c !== captures.at(-1) && shapeOf(c.statements) === shapeOf(statements));
      if (twin) {
        return {
          statements: twin.statements,
          call: {
            account: `acct_b${ACCOUNT}`,
            user: twin.request.userId,
            admin: `usr_b${ACCOUNT}_admin`,
            idempotencyKey: twin.request.idempotencyKey,
            sequenceBase: CAPTURE_SEQUENCE_BASE,
          },
          rowsAdded: twin.rowsAdded,
          warmUpCalls: WARM_UP_CALLS,
          callsCaptured: captures.length,
        };
      }
    }
    const shapes = captures.map((c) => shapeOf(c.statements)).join('\n---\n');
    throw new Error(`no two of ${captures.length} captured AssignLicenses sent the same statements:\n${shapes}`);
  } finally {
    caller?.close();
    await service?.stop();
    await direct.end().catch(() => undefined);
    await proxy.close();
    await database.drop();
  }
}

const TABLES_SQL =
  "select tablename as name from pg_tables where schemaname = 'public' and tablename not like 'mikro_orm%' order by 1";

/** Rows in each of `tables` (to check that a replay wrote, per transaction, what the call wrote). */
export async function rowCounts(url: string, tables: string[]): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const counts: Record<string, number> = {};
    for (const t of tables)
      counts[t] = Number((await client.query<{ n: string }>(`select count(*) as n from "${t}"`)).rows[0]!.n);
    return counts;
  } finally {
    await client.end();
  }
}

/**
 * The statements' texts (literals as `?`), protocols and round trips (numbered from the call's
 * first), one line each.
 */
export function shapeOf(statements: RecordedStatement[]): string {
  const first = statements[0]?.roundTrip ?? 0;
  return statements
    .map(
      (s) =>
        `${s.roundTrip - first} ${s.protocol}${s.statementName ? ' named' : ''} ${withoutLiterals(s.text).replace(/\s+/g, ' ').trim()}`,
    )
    .join('\n');
}
