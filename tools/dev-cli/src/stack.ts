/**
 * The production path on one machine, in one command (`npm run stack`): the PostgreSQL databases
 * (created when missing), a Kafka mock cluster with the platform's topics, signing keys and their
 * public set, the built licensing service and billing consumer (each migrates its database at
 * start, under a lock; the ledger is migrated first, for the billing API) and the billing API, on
 * the pinned Node with the README's flags. Prints how to call them and stops everything on Ctrl-C
 * or SIGTERM.
 *
 * STACK_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres) names the server;
 * STACK_DATABASE_PREFIX (none) goes before the databases' names (licensing_stack, billing_stack);
 * STACK_GRPC_PORT (50051), STACK_BILLING_API_PORT (50052), STACK_METRICS_PORT (9464) and STACK_DIR
 * (data/stack) name the rest.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { loadOrCreateDevKeys } from '@acme/auth';
import { checkHealth } from '@acme/grpc';

const ROOT = resolve(import.meta.dirname, '../../..');
const env = process.env;
const POSTGRES = env.STACK_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const GRPC_PORT = env.STACK_GRPC_PORT ?? '50051';
const METRICS_PORT = env.STACK_METRICS_PORT ?? '9464';
const BILLING_API_PORT = env.STACK_BILLING_API_PORT ?? '50052';
const DIR = resolve(ROOT, env.STACK_DIR ?? 'data/stack');
const DATABASE_PREFIX = env.STACK_DATABASE_PREFIX ?? '';
const DATABASES = { licensing: `${DATABASE_PREFIX}licensing_stack`, billing: `${DATABASE_PREFIX}billing_stack` };
/** The pinned Node (node_modules/.bin/node), whatever Node the machine has. */
const NODE = join(ROOT, 'node_modules/.bin/node');

const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;
const say = (line: string) => process.stdout.write(`stack: ${line}\n`);

/** Starts a child whose output is prefixed with its name; its early exit stops the stack. */
function start(name: string, args: string[], extraEnv: Record<string, string>): ChildProcess {
  const child = spawn(NODE, args, { cwd: ROOT, env: { ...env, ...extraEnv }, stdio: ['pipe', 'pipe', 'pipe'] });
  for (const stream of [child.stdout!, child.stderr!])
    createInterface({ input: stream }).on('line', (line) => process.stdout.write(`[${name}] ${line}\n`));
  child.on('exit', (code, signal) => {
    if (stopping) return;
    say(`${name} exited (${signal ?? code}); stopping the stack`);
    void stop(1);
  });
  children.push({ name, child });
  say(`started ${name} (pid ${child.pid})`);
  return child;
}

/** Stops the children in reverse order of start, each with SIGTERM, and waits for them. */
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('shutting down');
    for (const { child } of [...children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
  }
  process.exit(code);
}

async function createDatabases(): Promise<Record<keyof typeof DATABASES, string>> {
  const admin = new pg.Client({ connectionString: POSTGRES });
  await admin.connect();
  try {
    for (const name of Object.values(DATABASES)) {
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (rowCount === 0) {
        await admin.query(`create database "${name}"`);
        say(`created database ${name}`);
      }
    }
  } finally {
    await admin.end();
  }
  const urlOf = (name: string) => Object.assign(new URL(POSTGRES), { pathname: `/${name}` }).toString();
  return { licensing: urlOf(DATABASES.licensing), billing: urlOf(DATABASES.billing) };
}

/** The Kafka mock's bootstrap list, once it has printed it. */
function startKafka(): Promise<string> {
  const kafka = start('kafka-mock', ['--import', 'tsx', 'tools/kafka-mock/src/cli.ts'], {});
  return new Promise((resolveBrokers, reject) => {
    createInterface({ input: kafka.stdout! }).on('line', (line) => {
      const match = /^export KAFKA_BROKERS=(\S+)$/.exec(line);
      if (match) resolveBrokers(match[1]!);
    });
    kafka.once('exit', () => reject(new Error('the Kafka mock stopped before it was ready')));
  });
}

/** Until the gRPC server at `address` answers health checks with SERVING. */
async function waitUntilServing(address: string): Promise<void> {
  for (let tries = 0; tries < 600; tries++) {
    if ((await checkHealth(address).catch(() => 'DOWN')) === 'SERVING') return;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`the service at ${address} is not serving after 2 minutes`);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
try {
  // The bundles of this checkout (a few hundred milliseconds).
  const built = spawnSync(NODE, ['tools/scripts/build-apps.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed');
  mkdirSync(DIR, { recursive: true });
  const urls = await createDatabases();
  // The ledger is migrated before anything starts: the billing API refuses an unmigrated one, and
  // would otherwise race the consumer's own migration at start.
  const migrated = spawnSync(NODE, ['dist/billing-cli.mjs', 'migrate'], {
    cwd: ROOT,
    env: { ...env, BILLING_DATABASE_URL: urls.billing },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (migrated.status !== 0) throw new Error('migrating the ledger failed');
  const keys = await loadOrCreateDevKeys(join(DIR, 'keys.json'));
  const jwks = join(DIR, 'jwks.json');
  writeFileSync(jwks, JSON.stringify(keys.publicJwks));
  const brokers = await startKafka();
  say(`Kafka mock at ${brokers} with license-events and license-events.dlq`);
  const address = `127.0.0.1:${GRPC_PORT}`;
  start('licensing-service', ['--max-semi-space-size=8', '--heap-growing-percent=100', 'dist/licensing-service.mjs'], {
    DATABASE_URL: urls.licensing,
    JWT_JWKS_FILE: jwks,
    KAFKA_BROKERS: brokers,
    GRPC_PORT,
    METRICS_PORT,
    SEED_DEMO: 'true',
  });
  start('billing-consumer', ['--max-semi-space-size=8', '--max-old-space-size=128', 'dist/billing-consumer.mjs'], {
    BILLING_DATABASE_URL: urls.billing,
    KAFKA_BROKERS: brokers,
  });
  await waitUntilServing(address);
  // The billing API asks the licensing service who administers an account: started once it serves.
  const billingAddress = `127.0.0.1:${BILLING_API_PORT}`;
  start('billing-api', ['--max-semi-space-size=8', '--max-old-space-size=128', 'dist/billing-api.mjs'], {
    BILLING_DATABASE_URL: urls.billing,
    BILLING_API_PORT,
    JWT_JWKS_FILE: jwks,
    LICENSING_ADDRESS: address,
  });
  await waitUntilServing(billingAddress);
  say(
    `ready: licensing service at ${address}, billing API at ${billingAddress}, metrics on :${METRICS_PORT}, ledger in ${DATABASES.billing}`,
  );
  say(`call it:  export TOKEN=$(npm run -s token -- --keys ${join(env.STACK_DIR ?? 'data/stack', 'keys.json')})`);
  say(`          npm run call -- --address ${address} ListProducts '{}'`);
  say(
    `ledger:   BILLING_DATABASE_URL=${urls.billing} npm run billing -- invoice --account acct_demo_goto --from 2026-12-01 --to 2027-01-01`,
  );
  say(
    `          npm run call -- --address ${billingAddress} GetInvoicePreview '{"periodStart":"2026-12-01T00:00:00Z","periodEnd":"2027-01-01T00:00:00Z"}'`,
  );
  say('Ctrl-C stops everything');
} catch (error) {
  say(error instanceof Error ? error.message : String(error));
  await stop(1);
}
