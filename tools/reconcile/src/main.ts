#!/usr/bin/env -S npx tsx
/**
 * Reconciliation of licensing with the billing ledger (issue 18), from the repository root:
 *   npm run reconcile -- [--account <id>] [--json] [--settle <seconds>]
 * Reads the licensing service's variables (DATABASE_URL or SQLITE_PATH, RULES_DIR or RULES_BUNDLE)
 * and the billing consumer's (BILLING_DATABASE_URL or BILLING_SQLITE_PATH). Exit 0: no differences;
 * 1: differences, each named; 2: usage or configuration error, or a database that could not be read.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { openLedgerDatabase } from '@acme/billing-data-access';
import { openDatabase } from '@acme/licensing-data-access';
import { reconcile } from './reconcile.js';
import { reportJson, reportText } from './report-text.js';
import { reconcileSources } from './sources.js';

const seconds = (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError('expected a number of seconds, 0 or more');
  return n;
};

async function run(options: { account?: string; json?: boolean; settle: number }): Promise<number> {
  const sources = await reconcileSources();
  const licensing = await openDatabase({ ...sources.licensing, poolSize: 2 });
  try {
    const ledger = await openLedgerDatabase({ ...sources.ledger, poolSize: 2 });
    try {
      const report = await reconcile({
        licensing,
        ledger,
        ...(options.account === undefined ? {} : { accountId: options.account }),
        contactCenterProductId: sources.contactCenterProductId,
        settleMs: options.settle * 1000,
      });
      process.stdout.write(options.json ? reportJson(report) : reportText(report, options.settle));
      return report.differences.length === 0 ? 0 : 1;
    } finally {
      await ledger.close();
    }
  } finally {
    await licensing.close();
  }
}

const program = new Command()
  .name('reconcile')
  .description(
    "compare licensing's seats, assignments and queue members with the billing ledger; never writes either database",
  )
  .option('--account <id>', 'one account (default: every account of licensing)')
  .option('--json', 'print the report as JSON')
  .option('--settle <seconds>', 'keep re-checking this long while differences remain (the ledger lags)', seconds, 10)
  .exitOverride()
  .action(async (options: { account?: string; json?: boolean; settle: number }) => {
    process.exitCode = await run(options);
  });

await program.parseAsync().catch((error: unknown) => {
  // Commander has printed its own message (or the help, exit code 0).
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
    return;
  }
  process.stderr.write(`reconcile: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
