import { dialectOf, readRetryingLostConnections } from '@acme/persistence';
import { createOrm, migrateUp, type OrmOptions } from './orm.js';
import { billableStateOfUser } from './billable-state-query.js';
import { readCatalogFile, DEFAULT_CATALOG_PATH } from './catalog-file.js';
import { findPhoneConfigurationOfUser, findSalesOrder } from './sales-and-contact-center-rows.js';
import { seedCatalog } from './seed.js';
import {
  getAccount,
  listAccounts,
  listSalesOrders,
  getUserGrants,
  getUser,
  listAssignments,
  getAssignment,
  listAudit,
  type AuditFilter,
  listOutbox,
  listOutboxAfter,
  listProducts,
  listQueues,
  listSuites,
  listUsers,
  getSeatUsage,
} from './queries.js';
import {
  outboxBacklog,
  relayShardsBatch,
  shardsWithPendingEvents,
  type PendingOutboxEvent,
} from './outbox-relay-store.js';
import {
  watchAccountChanges,
  type ChangeFeedHandlers,
  type ChangeFeedOptions,
  type CommittedChange,
} from './change-feed.js';
import { CatalogCache } from './catalog-cache.js';
import { readEntitlementSnapshot } from './entitlement-snapshot.js';
import { readAccountHoldings, type AccountHoldingsQuery } from './account-holdings.js';
import { createTransactionRunner } from './transaction-runner.js';
import {
  appendDecisions,
  decisionsSince,
  listDecisions,
  purgeDecisionsBefore,
  type DecisionFilter,
  type DecisionLogInsert,
} from './decision-log.js';
import type { MutationClock, MutationTiming } from './mutation-timing.js';

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
  /** Runs a read, again on another connection when its own was lost; `unavailable` when lost every time. */
  const read = <R>(query: (em: ReturnType<typeof orm.em.fork>) => Promise<R>): Promise<R> =>
    readRetryingLostConnections(() => query(em()));
  /** After a commit: tells the listeners what changed and how long each mutation's phases took. */
  const notifyCommitted = (change: CommittedChange, clocks: MutationClock[]): void => {
    if (change.accounts.length > 0) for (const listener of committed) listener(change);
    for (const clock of clocks) {
      const timing = clock.timing();
      if (timing) for (const listener of timed) listener(timing);
    }
  };
  const transaction = createTransactionRunner({ em, dialect, catalog, notifyCommitted });
  return {
    /** `postgres` or `libsql`. */
    dialect,
    /** Applies what is pending (under a lock on PostgreSQL) then loads the catalog file (idempotent); answers what it applied. */
    async migrate(): Promise<string[]> {
      const applied = await migrateUp(orm);
      await seedCatalog(em(), readCatalogFile(options.catalogPath ?? DEFAULT_CATALOG_PATH));
      catalog.reload();
      return applied;
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
    watchChanges: (handlers: ChangeFeedHandlers, feedOptions?: ChangeFeedOptions) =>
      dialect === 'postgres' ? watchAccountChanges(options.databaseUrl!, handlers, feedOptions) : null,
    /** SQL that would bring the schema in line with the entities; empty when migrations match. */
    pendingSchemaChanges: () => orm.schema.getUpdateSchemaSQL({ wrap: false }),
    catalog: {
      listProducts: () => read((e) => listProducts(e)),
      listSuites: () => read((e) => listSuites(e)),
    },
    accounts: {
      get: (accountId: string) => read((e) => getAccount(e, accountId)),
      /** Every account, a page at a time in id order (back office). */
      list: (page: { pageSize: number; pageToken?: string }) => read((e) => listAccounts(e, page)),
      seatUsage: (accountId: string) => read((e) => getSeatUsage(e, accountId)),
      /** What licensing says one account or every account holds, for a reconciliation with billing. */
      holdings: (query: AccountHoldingsQuery) => read((e) => readAccountHoldings(e, dialect, query)),
      /** What decides every entitlement of the account now (see EntitlementSnapshotRecord), or null: no such account. */
      entitlements: (accountId: string) => read((e) => readEntitlementSnapshot(e, dialect, accountId)),
    },
    outbox: {
      list: (accountId: string) => listOutbox(em(), accountId),
      /** The account's events after `sequence`, oldest first, at most `limit` (what a watch replays). */
      after: (accountId: string, sequence: number, limit: number) =>
        read((e) => listOutboxAfter(e, accountId, sequence, limit)),
      /** Relay shards that have unpublished events. */
      shardsWithPending: () => shardsWithPendingEvents(em()),
      /**
       * Publishes up to `limit` unpublished events of the shards it can claim, as one batch; the
       * claim lapses when this instance makes no progress for `leaseMs` (see relayShardsBatch).
       */
      relayShards: (
        shards: number[],
        limit: number,
        publish: (events: PendingOutboxEvent[]) => Promise<void>,
        now: () => Date = () => new Date(),
        leaseMs?: number,
      ) => relayShardsBatch(em(), dialect, shards, limit, publish, now, leaseMs),
      backlog: () => outboxBacklog(em()),
    },
    audit: {
      list: (accountId: string, filter: AuditFilter = {}, page?: { pageSize: number; pageToken?: string }) =>
        read((e) => listAudit(e, accountId, filter, page)),
    },
    /** The decision log: every decision of the policy rules, written apart from the mutations (see DecisionLogWriter). */
    decisions: {
      append: (rows: DecisionLogInsert[]) => appendDecisions(em(), dialect, rows),
      list: (accountId: string, filter: DecisionFilter, page: { pageSize: number; pageToken?: string }) =>
        read((e) => listDecisions(e, accountId, filter, page)),
      /** From `from` on, oldest first, a batch at a time (impact reports). */
      since: (query: Parameters<typeof decisionsSince>[1]) => read((e) => decisionsSince(e, query)),
      /** Deletes what is older than `cutoff`; answers how many. */
      purgeBefore: (cutoff: Date) => purgeDecisionsBefore(em(), cutoff),
    },
    salesOrders: {
      get: (accountId: string, orderId: string) => read((e) => findSalesOrder(e, accountId, orderId)),
      list: (
        accountId: string,
        filter: { state?: 'pending' | 'completed' | 'cancelled' },
        page: { pageSize: number; pageToken?: string },
      ) => read((e) => listSalesOrders(e, accountId, filter, page)),
    },
    phoneConfigurations: {
      /** The user's phone configuration, active or retained; null when they have none. */
      get: (accountId: string, userId: string) => read((e) => findPhoneConfigurationOfUser(e, accountId, userId)),
    },
    queues: {
      list: (accountId: string, filter: { kind?: 'call' | 'inbound' | 'outbound'; memberUserId?: string }) =>
        read((e) => listQueues(e, accountId, filter)),
      /** The account's queue `queueId` with its members, or null. */
      get: async (accountId: string, queueId: string) =>
        (await read((e) => listQueues(e, accountId, { queueId })))[0] ?? null,
    },
    assignments: {
      list: (
        accountId: string,
        filter: { userId?: string; productId?: string },
        page: { pageSize: number; pageToken?: string },
      ) => read((e) => listAssignments(e, accountId, filter, page)),
      /** The account's assignment `assignmentId`, or null. */
      get: (accountId: string, assignmentId: string) => read((e) => getAssignment(e, accountId, assignmentId)),
    },
    users: {
      /** The account's users by id, a page at a time; with `query`, those whose email or name contains it. */
      list: (accountId: string, page: { pageSize: number; pageToken?: string }, filter: { query?: string } = {}) =>
        read((e) => listUsers(e, accountId, page, filter)),
      /** The roles and permissions of the account's user `userId`, or null: what authentication needs of a user record. */
      grants: (accountId: string, userId: string) => read((e) => getUserGrants(e, accountId, userId)),
      /** The account's user `userId`, active or deactivated, or null. */
      get: (accountId: string, userId: string) => read((e) => getUser(e, accountId, userId)),
      /** Why the user costs money (licenses, queue memberships, Contact Center billing), or null: no such user. */
      billableState: (accountId: string, userId: string) => read((e) => billableStateOfUser(e, accountId, userId)),
    },
    /** Runs `work` in one transaction, or as one mutation of an account's lane (see createTransactionRunner). */
    transaction,
    close: () => orm.close(true),
  };
}

export type Database = Awaited<ReturnType<typeof openDatabase>>;
