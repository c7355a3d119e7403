import { setTimeout as sleep } from 'node:timers/promises';
import { DeadlockException, LockWaitTimeoutException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { AppError } from '@acme/util';
import { commitOutcome, dialectOf, isConnectionLost } from '@acme/persistence';
import { createOrm, migrateUp, type OrmOptions } from './orm.js';
import { readCatalogFile, DEFAULT_CATALOG_PATH } from './catalog-file.js';
import { seedCatalog, seedDemo } from './seed.js';
import { getAccount, listAssignments, listAudit, listOutbox, listProducts, listQueues, listSuites, listUsers, getSeatUsage } from './queries.js';
import { ConcurrentChangeError, LicensingTx, RollbackSignal } from './licensing-tx.js';
import { outboxBacklog, relayShardsBatch, shardsWithPendingEvents, type PendingOutboxEvent } from './outbox-relay-store.js';
import { watchAccountChanges, type ChangeFeedHandlers, type CommittedChange } from './change-feed.js';
import { CatalogCache } from './catalog-cache.js';
import { WriteBatch } from './tx-write-batch.js';
import type { MutationClock, MutationTiming } from './mutation-timing.js';

/** Attempts of a transaction that keeps losing deadlocks before the caller is told to retry. */
const MAX_ATTEMPTS = 5;

/** A lost or refused database connection, as callers see it: retryable. */
function databaseUnavailable(cause: unknown): AppError {
  return new AppError('unavailable', 'the database is unavailable; retry with backoff', { reason: 'UNAVAILABLE', cause });
}

export interface DatabaseOptions extends OrmOptions {
  /** Catalog file loaded by `migrate()`; defaults to catalog/catalog.json. */
  catalogPath?: string;
}

/**
 * The licensing database behind plain functions: callers never import MikroORM. Every call forks
 * its own EntityManager, so concurrent requests never share an identity map.
 */
export async function openDatabase(options: DatabaseOptions) {
  const orm = await createOrm(options);
  const em = () => orm.em.fork();
  const dialect = dialectOf(options);
  const catalog = new CatalogCache();
  const committed = new Set<(change: CommittedChange) => void>();
  const timed = new Set<(timing: MutationTiming) => void>();
  /** Runs a read; a lost connection is `unavailable` (retryable), not an internal error. */
  const read = <R>(query: (em: ReturnType<typeof orm.em.fork>) => Promise<R>): Promise<R> =>
    query(em()).catch((error: unknown) => {
      throw isConnectionLost(error) ? databaseUnavailable(error) : error;
    });
  /** After a commit: tells the listeners what changed, and gives back the work's result. */
  const afterCommit = <T>(commit: { value: T; change: CommittedChange; clock: MutationClock | null }): T => {
    if (commit.change.accounts.length > 0) for (const listener of committed) listener(commit.change);
    const timing = commit.clock?.timing();
    if (timing) for (const listener of timed) listener(timing);
    return commit.value;
  };
  return {
    /** `postgres` or `libsql`. */
    dialect,
    /** Applies pending migrations, then loads the catalog file (idempotent). */
    async migrate(): Promise<void> {
      await migrateUp(orm);
      await seedCatalog(em(), readCatalogFile(options.catalogPath ?? DEFAULT_CATALOG_PATH));
      catalog.reload();
    },
    /**
     * Calls `listener` after every commit of this process that changed something, with the
     * accounts it changed and how many outbox events it appended (the relay wakes on events, read
     * caches drop those accounts). Returns the unsubscribe function.
     */
    onCommit(listener: (change: CommittedChange) => void): () => void {
      committed.add(listener);
      return () => committed.delete(listener);
    },
    /**
     * Calls `listener` after every mutation of this process committed on PostgreSQL with its write
     * statement, with how long each phase took (metrics). Returns the unsubscribe function.
     */
    onMutationTimed(listener: (timing: MutationTiming) => void): () => void {
      timed.add(listener);
      return () => timed.delete(listener);
    },
    /**
     * Changes committed by any instance on the same PostgreSQL (LISTEN/NOTIFY), for read caches:
     * `onAccount` for each changed account, `onReset` whenever notifications may have been missed
     * (connection lost, reconnected). On libsql (one process per file) `onCommit` covers it all.
     */
    watchChanges: (handlers: ChangeFeedHandlers) => (dialect === 'postgres' ? watchAccountChanges(options.databaseUrl!, handlers) : null),
    /** Creates the demo accounts if they do not exist yet. */
    seedDemo: () => seedDemo(em()),
    /** SQL that would bring the schema in line with the entities; empty when migrations match. */
    pendingSchemaChanges: () => orm.schema.getUpdateSchemaSQL({ wrap: false }),
    catalog: {
      listProducts: () => read((e) => listProducts(e)),
      listSuites: () => read((e) => listSuites(e)),
    },
    accounts: {
      get: (accountId: string) => read((e) => getAccount(e, accountId)),
      seatUsage: (accountId: string) => read((e) => getSeatUsage(e, accountId)),
    },
    outbox: {
      list: (accountId: string) => listOutbox(em(), accountId),
      /** Relay shards that have unpublished events. */
      shardsWithPending: () => shardsWithPendingEvents(em()),
      /** Publishes up to `limit` unpublished events of the shards it can claim, as one batch (see relayShardsBatch). */
      relayShards: (shards: number[], limit: number, publish: (events: PendingOutboxEvent[]) => Promise<void>, now: () => Date = () => new Date()) =>
        relayShardsBatch(em(), dialect, shards, limit, publish, now),
      backlog: () => outboxBacklog(em()),
    },
    audit: {
      list: (accountId: string, filter: { resourceId?: string; actor?: string } = {}, page?: { pageSize: number; pageToken?: string }) => read((e) => listAudit(e, accountId, filter, page)),
    },
    queues: {
      list: (accountId: string, filter: { kind?: 'call' | 'inbound' | 'outbound'; memberUserId?: string }) => read((e) => listQueues(e, accountId, filter)),
    },
    assignments: {
      list: (accountId: string, filter: { userId?: string; productId?: string }, page: { pageSize: number; pageToken?: string }) => read((e) => listAssignments(e, accountId, filter, page)),
    },
    users: {
      list: (accountId: string, page: { pageSize: number; pageToken?: string }) => read((e) => listUsers(e, accountId, page)),
    },
    /**
     * Runs `work` in one transaction: everything it changes commits together or not at all.
     * `dryRun` rolls back after `work` and still returns its result (validate_only).
     *
     * A lost database connection is retried while the transaction certainly did not commit, then
     * answered as `unavailable`. If it was lost during the COMMIT itself, PostgreSQL is asked on a
     * fresh connection what became of the transaction: committed (the result stands), aborted (run
     * again), or unknown when it cannot be asked (`unavailable` with `commit_outcome: unknown`:
     * the caller cannot tell whether the change happened; retrying with the same idempotency key
     * is how to find out safely).
     */
    async transaction<T>(work: (tx: LicensingTx) => Promise<T>, options: { dryRun?: boolean } = {}): Promise<T> {
      // A deadlock, or a row this transaction read being changed under it, rolls it back whole;
      // running it again is safe because `work` reads everything it decides on inside it.
      for (let attempt = 1; ; attempt++) {
        const commit = { started: false, xid: null as string | null, value: undefined as T, change: { accounts: [], events: 0 } as CommittedChange, clock: null as MutationClock | null };
        try {
          await em().transactional(async (txEm) => {
            const tx = new LicensingTx(txEm, dialect === 'postgres' ? { batch: new WriteBatch(), catalog } : { catalog });
            const value = await work(tx);
            if (options.dryRun) {
              // Held rows and seat reservations are written before the rollback, so a dry run
              // meets the same checks (a seat taken meanwhile) as the real one.
              await tx.settle();
              throw new RollbackSignal(value);
            }
            Object.assign(commit, { value, change: { accounts: [...tx.changedAccounts], events: tx.appendedEvents }, clock: tx.clock });
            // Written here rather than by transactional(), so that what fails after this is the
            // COMMIT. On PostgreSQL this also tells other instances of the change (delivered when,
            // and only if, it commits) and returns the transaction id a lost COMMIT is resolved by.
            // Where that id is known already, the COMMIT goes out with this last statement: a
            // connection lost from then on may have cost only the answer.
            commit.xid = await tx.finish((xid) => Object.assign(commit, { started: true, xid }));
            commit.started = true;
          });
          return afterCommit(commit);
        } catch (error) {
          if (error instanceof RollbackSignal) return error.value as T;
          if (isConnectionLost(error)) {
            if (commit.started && commit.xid !== null) {
              const outcome = await commitOutcome(em, commit.xid);
              if (outcome === 'committed') return afterCommit(commit);
              if (outcome === 'unknown') {
                throw new AppError('unavailable', 'the database connection was lost during the commit, and whether the change was applied is unknown; retry with the same idempotency key to find out', {
                  reason: 'UNAVAILABLE', metadata: { commit_outcome: 'unknown' }, cause: error,
                });
              }
            }
            // Not committed: running it again on a fresh connection is safe.
            if (attempt >= MAX_ATTEMPTS) throw databaseUnavailable(error);
            await sleep(Math.random() * 50 * attempt);
            continue;
          }
          // A unique violation means a concurrent twin committed first (same idempotency key, same
          // user and product, same email): the re-run sees it and answers as the domain says.
          const retryable =
            error instanceof DeadlockException ||
            error instanceof LockWaitTimeoutException ||
            error instanceof UniqueConstraintViolationException ||
            error instanceof ConcurrentChangeError;
          if (!retryable) throw error;
          if (attempt >= MAX_ATTEMPTS) {
            throw new AppError('aborted', 'the change collided with concurrent changes; retry it', { reason: 'CONFLICT', cause: error });
          }
          await sleep(Math.random() * 20 * attempt);
        }
      }
    },
    close: () => orm.close(true),
  };
}

export type Database = Awaited<ReturnType<typeof openDatabase>>;
