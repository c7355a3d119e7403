import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { AppError } from '@acme/util';
import { commitOutcome, isConnectionLost } from '@acme/persistence';
import type { LaneJob } from './account-lanes.js';
import type { CatalogCache } from './catalog-cache.js';
import type { CommittedChange } from './change-feed.js';
import { OrmLicenseBook } from './orm-license-book.js';
import type { MutationClock } from './mutation-timing.js';
import { WriteBatch } from './tx-write-batch.js';
import { commitOutcomeUnknown, isRetryable } from './transaction-errors.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

/** A mutation's work, as `Database.transaction` takes it. */
export type MutationWork = (tx: OrmLicenseBook) => Promise<unknown>;

/** Most mutations one transaction carries: the first of them is answered only when all are done. */
export const MAX_CHAIN = 16;

export interface ChainDeps {
  em: () => Em;
  catalog: CatalogCache;
  /** Runs one mutation in a transaction of its own, with the usual retries (the fallback). */
  runAlone: (work: MutationWork) => Promise<unknown>;
  /** Told what a committed chain changed, and how long each of its mutations took. */
  committed: (change: CommittedChange, clocks: MutationClock[]) => void;
}

/** A mutation taken into the chain, and how it ended there (answered only once the chain committed). */
interface Link {
  job: LaneJob<MutationWork>;
  tx: OrmLicenseBook;
  outcome?: { value: unknown } | { refusal: unknown };
}

/**
 * PostgreSQL: runs the waiting mutations of one account one after another in one transaction,
 * taking them from the account's lane (see AccountLanes) while more are waiting, up to MAX_CHAIN.
 * Each mutation prefetches (the account lock is this transaction's already, and what the ones
 * before it wrote is visible to it), decides, and writes its rows without committing; the last
 * one's write carries the COMMIT. One lock turn and one WAL flush then serve the whole chain,
 * instead of one each, while every mutation still decides on exactly what those before it left.
 *
 * No caller is answered before the COMMIT. A mutation refused before it wrote anything leaves the
 * transaction as it found it, so the chain goes on without it. Anything else that goes wrong
 * (a failed statement, a deadlock, a lost connection before the COMMIT) rolls the chain back and
 * runs each of its mutations again in a transaction of its own, in order: a mutation's work reads
 * everything it decides on inside its transaction, so running it again is safe. A connection lost
 * during the COMMIT is resolved as for a single mutation (PostgreSQL is asked what became of it).
 */
export async function runMutationChain(
  deps: ChainDeps,
  take: () => LaneJob<MutationWork> | undefined,
  waiting: () => number,
): Promise<void> {
  const links: Link[] = [];
  const commit = { started: false, xid: null as string | null };
  const lastOne = () => waiting() === 0 || links.length >= MAX_CHAIN;
  // Taken before the transaction opens, so that a failure to open it is this job's to answer.
  const first = take();
  if (!first) return;
  // Every job taken, whether or not it got as far as a link: each is owed an answer.
  const taken = [first];
  try {
    await deps.em().transactional(async (txEm) => {
      for (let job: LaneJob<MutationWork> | undefined = first; job;) {
        const tx = new OrmLicenseBook(txEm, { batch: new WriteBatch(), catalog: deps.catalog });
        const link: Link = { job, tx };
        links.push(link);
        try {
          link.outcome = { value: await job.work(tx) };
        } catch (error) {
          if (!(error instanceof AppError) || tx.wroteToDatabase) throw error;
          link.outcome = { refusal: error };
          // Entities it created but never flushed must not ride on the next mutation's flush.
          txEm.clear();
        }
        // Decided once, here: a mutation arriving after the last write went out waits for the next chain.
        const last = lastOne();
        if (last && 'value' in link.outcome) {
          commit.xid = await tx.finish();
          commit.started = true;
        } else if (last) {
          // The last one was refused: transactional() sends the COMMIT of the ones before it.
          Object.assign(commit, { started: true, xid: chainTransactionId(links) });
        } else if ('value' in link.outcome) {
          // Written without the COMMIT: the next mutation of the chain reads what this one wrote.
          await tx.finish();
          txEm.clear();
        }
        job = last ? undefined : take();
        if (job) taken.push(job);
      }
    });
  } catch (error) {
    if (isConnectionLost(error) && commit.started && commit.xid !== null) {
      const outcome = await commitOutcome(deps.em, commit.xid);
      if (outcome === 'committed') return answer(deps, links);
      if (outcome === 'unknown') {
        const unknown = commitOutcomeUnknown(error);
        for (const job of taken) job.reject(unknown);
        return;
      }
    }
    // A mutation alone whose error running it again would not change is answered with it now.
    if (taken.length === 1 && !isConnectionLost(error) && !isRetryable(error)) return taken[0]!.reject(error);
    for (const job of taken) await deps.runAlone(job.work).then(job.resolve, job.reject);
    return;
  }
  answer(deps, links);
}

/** After the COMMIT: listeners first (caches drop what changed), then every caller of the chain. */
function answer(deps: ChainDeps, links: Link[]): void {
  const applied = links.filter((link) => link.outcome && 'value' in link.outcome);
  for (const link of applied) link.tx.clock.markCommitted();
  const accounts = new Set(applied.flatMap((link) => [...link.tx.changedAccounts]));
  deps.committed(
    { accounts: [...accounts], events: applied.reduce((sum, link) => sum + link.tx.appendedEvents, 0) },
    applied.map((link) => link.tx.clock),
  );
  for (const { job, outcome } of links) {
    if (outcome && 'value' in outcome) job.resolve(outcome.value);
    else job.reject(outcome?.refusal ?? new Error('a chained mutation ended without an outcome'));
  }
}

/** The transaction id a chain's prefetches read (every mutation of a chain prefetches). */
function chainTransactionId(links: Link[]): string | null {
  return links.find((link) => link.tx.transactionId !== null)?.tx.transactionId ?? null;
}
