import { setTimeout as sleep } from 'node:timers/promises';
import { ledgerHoldings } from '@acme/billing';
import type { LedgerDatabase } from '@acme/billing-data-access';
import type { AccountHoldingsRecord, Database } from '@acme/licensing-data-access';
import { holdingDifferences, type Difference } from './differences.js';

export interface ReconcileOptions {
  /** Read only: the licensing database (its account holdings). */
  licensing: Pick<Database, 'accounts'>;
  /** Read only: the billing ledger (its entries). */
  ledger: Pick<LedgerDatabase, 'entries'>;
  /** One account; every account of licensing when unset. */
  accountId?: string;
  /** The product licensing's Contact Center billing events name (the rule set's contactCenterProductId). */
  contactCenterProductId: string;
  /** How long to keep re-checking while differences remain: the ledger lags the outbox. */
  settleMs: number;
  now?: () => Date;
}

export interface ReconcileReport {
  /** Accounts compared (licensing's). */
  accounts: number;
  /** What still differed at the last check; empty when licensing and the ledger agree. */
  differences: Difference[];
  /** Outbox events not yet published at the last check, per account that has any. */
  pendingEvents: { accountId: string; events: number }[];
  /** How many times both sides were read. */
  checks: number;
}

/** Between re-checks while settling. */
const RECHECK_MS = 500;

/**
 * Compares what licensing says each account holds with what its ledger says, and while any
 * difference remains, reads both again until none does or `settleMs` has passed: a change
 * licensing committed reaches the ledger only once its event is published and recorded. It never
 * writes either database.
 */
export async function reconcile(options: ReconcileOptions): Promise<ReconcileReport> {
  const now = options.now ?? (() => new Date());
  const deadline = now().getTime() + options.settleMs;
  for (let checks = 1; ; checks++) {
    const report = await checkOnce(options, now);
    const left = deadline - now().getTime();
    if (report.differences.length === 0 || left <= 0) return { ...report, checks };
    await sleep(Math.min(RECHECK_MS, left));
  }
}

async function checkOnce(options: ReconcileOptions, now: () => Date): Promise<Omit<ReconcileReport, 'checks'>> {
  // Licensing first: whatever it committed before this read is either in the ledger by the time the
  // ledger is read, or counted as pending.
  const accounts = await options.licensing.accounts.holdings({
    ...(options.accountId === undefined ? {} : { accountId: options.accountId }),
    contactCenterProductId: options.contactCenterProductId,
  });
  const differences: Difference[] = [];
  if (options.accountId !== undefined && accounts.length === 0)
    differences.push(await unknownAccount(options, options.accountId));
  for (const account of accounts) differences.push(...(await accountDifferences(options, account, now)));
  return {
    accounts: accounts.length,
    differences,
    pendingEvents: accounts
      .filter((a) => a.pendingEvents > 0)
      .map((a) => ({ accountId: a.accountId, events: a.pendingEvents })),
  };
}

async function accountDifferences(
  options: ReconcileOptions,
  licensing: AccountHoldingsRecord,
  now: () => Date,
): Promise<Difference[]> {
  const entries = await options.ledger.entries(licensing.accountId);
  return holdingDifferences(licensing, ledgerHoldings(entries, now()));
}

/** An account named on the command line that licensing does not have: a typo, or a ledger of its own. */
async function unknownAccount(options: ReconcileOptions, accountId: string): Promise<Difference> {
  const entries = await options.ledger.entries(accountId);
  if (entries.length === 0) throw new UnknownAccountError(accountId);
  return {
    accountId,
    kind: 'account',
    message: `${accountId}: no such account in licensing, ${entries.length} entries in the ledger`,
  };
}

export class UnknownAccountError extends Error {
  constructor(accountId: string) {
    super(`no account ${accountId} in licensing or in the ledger`);
    this.name = 'UnknownAccountError';
  }
}
