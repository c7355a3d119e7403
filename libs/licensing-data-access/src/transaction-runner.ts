import { setTimeout as sleep } from 'node:timers/promises';
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { AppError } from '@acme/util';
import { inSpan } from '@acme/telemetry';
import { commitOutcome, databaseUnavailable, isConnectionLost } from '@acme/persistence';
import type { CatalogCache } from './catalog-cache.js';
import type { CommittedChange } from './change-feed.js';
import { OrmLicenseBook, RollbackSignal } from './orm-license-book.js';
import type { LicenseBook } from './license-book.js';
import { commitOutcomeUnknown, isRetryable } from './transaction-errors.js';
import type { MutationClock } from './mutation-timing.js';
import { WriteBatch } from './tx-write-batch.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

/** Attempts of a transaction that keeps losing deadlocks before the caller is told to retry. */
const MAX_ATTEMPTS = 5;

export interface TransactionRunnerDeps {
  em: () => Em;
  dialect: 'postgres' | 'libsql';
  catalog: CatalogCache;
  /** Told after every commit what changed, with the clocks of the mutations it carried. */
  notifyCommitted: (change: CommittedChange, clocks: MutationClock[]) => void;
}

/**
 * `Database.transaction`: runs `work` in one transaction, where everything it changes commits
 * together or not at all. `dryRun` rolls back after `work` and still returns its result
 * (validate_only).
 *
 * A lost database connection is retried while the transaction certainly did not commit, then
 * answered as `unavailable`. If it was lost during the COMMIT itself, PostgreSQL is asked on a
 * fresh connection what became of the transaction: committed (the result stands), aborted (run
 * again), or unknown when it cannot be asked (`unavailable` with `commit_outcome: unknown`: the
 * caller cannot tell whether the change was applied; retrying with the same idempotency key is how
 * to find out safely).
 */
export function createTransactionRunner(deps: TransactionRunnerDeps) {
  const { em, dialect, catalog, notifyCommitted } = deps;
  const committedValue = <T>(commit: { value: T; change: CommittedChange; clock: MutationClock | null }): T => {
    notifyCommitted(commit.change, commit.clock ? [commit.clock] : []);
    return commit.value;
  };
  return async function transaction<T>(
    work: (book: LicenseBook) => Promise<T>,
    options: { dryRun?: boolean } = {},
  ): Promise<T> {
    const attributes = { 'db.system.name': DB_SYSTEM[dialect], 'db.dry_run': options.dryRun === true };
    return inSpan('db.transaction', { attributes }, async (span) => {
      // A deadlock, or a row this transaction read being changed under it, rolls it back whole;
      // running it again is safe because `work` reads everything it decides on inside it.
      for (let attempt = 1; ; attempt++) {
        span.setAttribute('db.attempts', attempt);
        const commit = {
          started: false,
          xid: null as string | null,
          value: undefined as T,
          change: { accounts: [], events: 0 } as CommittedChange,
          clock: null as MutationClock | null,
        };
        try {
          await em().transactional(async (txEm) => {
            const tx = new OrmLicenseBook(
              txEm,
              dialect === 'postgres' ? { batch: new WriteBatch(), catalog } : { catalog },
            );
            const value = await work(tx);
            if (options.dryRun) {
              // Held rows and seat reservations are written before the rollback, so a dry run
              // meets the same checks (a seat taken meanwhile) as the real one.
              await tx.writeHeld();
              throw new RollbackSignal(value);
            }
            Object.assign(commit, {
              value,
              change: { accounts: [...tx.changedAccounts], events: tx.appendedEvents },
              clock: tx.clock,
            });
            // Written here rather than by transactional(), so that what fails after this is the
            // COMMIT. On PostgreSQL this also tells other instances of the change (delivered when,
            // and only if, it commits) and returns the transaction id a lost COMMIT is resolved by.
            commit.xid = await tx.finish();
            commit.started = true;
          });
          commit.clock?.markCommitted();
          return committedValue(commit);
        } catch (error) {
          if (error instanceof RollbackSignal) return error.value as T;
          if (isConnectionLost(error)) {
            if (commit.started && commit.xid !== null) {
              const outcome = await commitOutcome(em, commit.xid);
              if (outcome === 'committed') return committedValue(commit);
              if (outcome === 'unknown') {
                throw commitOutcomeUnknown(error);
              }
            }
            // Not committed: running it again on a fresh connection is safe.
            if (attempt >= MAX_ATTEMPTS) throw databaseUnavailable(error);
            await sleep(Math.random() * 50 * attempt);
            continue;
          }
          if (!isRetryable(error)) throw error;
          if (attempt >= MAX_ATTEMPTS) {
            throw new AppError('aborted', 'the change collided with concurrent changes; retry it', {
              reason: 'CONFLICT',
              cause: error,
            });
          }
          await sleep(Math.random() * 20 * attempt);
        }
      }
    });
  };
}

/** OpenTelemetry's names of our two databases. */
const DB_SYSTEM = { postgres: 'postgresql', libsql: 'sqlite' } as const;
