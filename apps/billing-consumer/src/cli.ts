/**
 * The billing operators' CLI (run from the repository root; reads the same environment as the
 * consumer: BILLING_DATABASE_URL or BILLING_SQLITE_PATH, KAFKA_BROKERS, KAFKA_GROUP_ID):
 *   npm run billing -- invoice --account <id> --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--json]
 *   npm run billing -- replay [--into <postgres-url-or-file>] [--wait <seconds>]
 *   npm run billing -- provision-topics [--partitions 12] [--replication 3]
 *   npm run billing -- migrate
 */
import { Command, InvalidArgumentError } from 'commander';
import { runInvoice, runMigrate, runProvisionTopics, runReplay } from './commands.js';

const day = (value: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new InvalidArgumentError('expected a date as YYYY-MM-DD');
  return new Date(`${value}T00:00:00Z`);
};
const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
};

const program = new Command().name('billing').description('invoice previews, ledger replay and topic provisioning');

program
  .command('invoice')
  .description("preview an account's invoice for [from, to) from the ledger (daily proration)")
  .requiredOption('--account <id>', 'account id, e.g. acct_demo_goto')
  .requiredOption('--from <date>', 'first day of the period (UTC), YYYY-MM-DD', day)
  .requiredOption('--to <date>', 'day after the period (UTC), YYYY-MM-DD', day)
  .option('--json', 'print the invoice as JSON')
  .action((options: { account: string; from: Date; to: Date; json?: boolean }) => runInvoice(options));

program
  .command('replay')
  .description(
    "rebuild a fresh ledger from the topic's beginning and compare it with the live one (exit 1 when they differ)",
  )
  .option('--into <target>', 'empty PostgreSQL database URL or libsql file to rebuild into (default: a temporary file)')
  .option('--wait <seconds>', 'how long to wait for the live consumer to reach the snapshot', positive, 60)
  .action((options: { into?: string; wait: number }) => runReplay(options));

program
  .command('provision-topics')
  .description(
    'create license-events and its dead-letter topic on a real cluster (admin API); existing topics are left alone',
  )
  .option('--partitions <n>', 'partitions of license-events (the unit of consumer parallelism)', positive, 12)
  .option('--replication <n>', 'replication factor', positive, 3)
  .action((options: { partitions: number; replication: number }) => runProvisionTopics(options));

program
  .command('migrate')
  .description('bring the ledger database up to this version (the consumer does the same at start, under a lock)')
  .action(() => runMigrate());

await program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
