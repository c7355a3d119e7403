import type { JSONWebKeySet } from 'jose';
import { LicensingService, OperationsService } from '@acme/contracts';
import type { Principal } from '@acme/auth';
import { GrpcServer, refuseNulCharacters, unimplementedHandlers, type GrpcServerOptions } from '@acme/grpc';
import { DEMO_ACCOUNT_IDS, openDatabase, type ChangeFeed } from '@acme/licensing-data-access';
import { createKafka, KafkaPublisher, type EventPublisher } from '@acme/messaging';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { watchRules } from '@acme/rules';
import { startMetricsServer, type Logger, type MetricsServer } from '@acme/util';
import { bearerAuthenticator } from './authenticate.js';
import { requireReadScope } from './account-scope.js';
import type { LicensingConfig } from './config.js';
import { createReadHandlers } from './handlers/read-handlers.js';
import { createAssignmentHandlers } from './handlers/assignment-handlers.js';
import { createUserHandlers } from './handlers/user-handlers.js';
import { createAccountHandlers } from './handlers/account-handlers.js';
import { createQuoteHandlers } from './handlers/quote-handlers.js';
import { createSeatHandlers } from './handlers/seat-handlers.js';
import { createSalesHandlers } from './handlers/sales-handlers.js';
import { createQueueHandlers } from './handlers/queue-handlers.js';
import { createBillableStateHandlers } from './handlers/billable-state-handlers.js';
import { createEntitlementHandlers } from './handlers/entitlement-handlers.js';
import { createBulkHandlers } from './handlers/bulk-handlers.js';
import { createTransferHandlers } from './handlers/transfer-handlers.js';
import { createUserLifecycleHandlers } from './handlers/user-lifecycle-handlers.js';
import { purgeRetainedConfigurations } from './use-cases/purge-retained-configurations.js';
import { createOperationsHandlers } from './handlers/operations-handlers.js';
import { createPhoneHandlers } from './handlers/phone-handlers.js';
import { ServiceClock } from './service-clock.js';
import { openDemoAccounts } from './use-cases/open-demo-accounts.js';
import { recordOpeningBalances } from './use-cases/record-opening-balances.js';
import { OutboxRelay, type OutboxRelayStats } from './outbox/outbox-relay.js';
import { registerRelayMetrics } from './outbox/relay-metrics.js';
import { registerMutationMetrics } from './mutation-metrics.js';
import { RulesMetrics, rulesHealth } from './rules-metrics.js';
import { AccountReadCache } from './reads/account-read-cache.js';
import { AccountWatchers } from './reads/account-watchers.js';
import { createWatchHandlers } from './handlers/watch-handlers.js';
import { createDecisionHandlers } from './handlers/decision-handlers.js';
import { DecisionLogWriter } from './decision-log/decision-log-writer.js';
import { registerDecisionLogMetrics } from './decision-log/decision-log-metrics.js';

export interface LicensingServiceOptions {
  config: LicensingConfig;
  logger: Logger;
  /** Public keys that sign bearer tokens. */
  /** The public keys tokens are verified with, or the current ones of a watched file (watchJwksFile). */
  jwks: JSONWebKeySet | (() => JSONWebKeySet);
  /**
   * Where the outbox relay publishes events. Unset: a Kafka publisher when KAFKA_BROKERS is set;
   * otherwise no relay runs and events wait in the outbox (the dev stack passes its in-process bus).
   */
  publisher?: EventPublisher;
  /** Clock for timestamps and retention windows; tests inject one. */
  now?: () => Date;
}

export interface RunningLicensingService {
  address: string;
  port: number;
  /** Content hash of the active rule set. */
  readonly rulesVersion: string;
  /** The outbox relay's counters; null when no relay runs (no publisher). */
  relayStats(): OutboxRelayStats | null;
  /** Port of the Prometheus endpoint; null when METRICS_PORT is unset. */
  metricsPort: number | null;
  /** Prometheus metrics of this instance (relay lag, process figures). */
  registry: Registry;
  stop(): Promise<void>;
}

/**
 * Composes the licensing service: database (migrated, optionally seeded), watched policy rules,
 * authentication, handlers and the gRPC server. Both the production app and the dev stack start
 * it through here, so they cannot drift apart.
 */
export async function startLicensingService(options: LicensingServiceOptions): Promise<RunningLicensingService> {
  const { config, logger } = options;
  const database = await openDatabase(
    config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { sqlitePath: config.SQLITE_PATH },
  );
  let closeRules = (): void => {};
  try {
    await database.migrate();
    const rulesMetrics = new RulesMetrics();
    // A bundle file (RULES_BUNDLE) or a directory; either passes the same gate on every (re)load.
    const rulesSource = config.RULES_BUNDLE
      ? { kind: 'bundle' as const, path: config.RULES_BUNDLE }
      : { kind: 'directory' as const, path: config.RULES_DIR };
    const rules = await watchRules(rulesSource, {
      onReload: (ruleSet, source) => {
        rulesMetrics.applied();
        logger.info({ rulesVersion: ruleSet.version, rulesSource: source }, 'policy rules reloaded');
      },
      onError: (error) => {
        rulesMetrics.refused();
        logger.error(
          { problems: error.message, rulesSource },
          `policy rules ${rulesSource.kind === 'bundle' ? 'bundle' : 'edit'} rejected; previous rule set stays active`,
        );
      },
    });
    closeRules = () => rules.close();
    if (config.SEED_DEMO) {
      // The demo accounts are opened through the use cases, so they are audited and billed like any.
      const opened = await openDemoAccounts(database, rules.current());
      if (opened.length > 0) logger.info({ accounts: opened }, 'opened the demo accounts');
      // A database seeded by an earlier version holds demo rows that never sent an event: their
      // seats and assignments reach billing as opening balances (once per account).
      for (const accountId of DEMO_ACCOUNT_IDS) await recordOpeningBalances(database, accountId, new Date());
    }
    const clock = new ServiceClock(options.now, config.ALLOW_CLOCK_OFFSET);
    const decisionLog = new DecisionLogWriter({
      append: database.decisions.append,
      logger: logger.child({ component: 'decision-log' }),
    });
    const mutationDeps = { db: database, rules: () => rules.current(), now: clock.now, decisionLog };
    const reads = startReadCache(database);
    const registry = new Registry();
    const server = new GrpcServer({ logger, ...grpcServerLimits(config), registry });
    // The token says who calls; the user records what a user may do (cached until the account changes).
    const authenticate = bearerAuthenticator({
      jwks: options.jwks,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      users: database.users,
      cache: reads.cache,
    });
    server.addService({
      descriptor: LicensingService,
      authenticate,
      // No request text may carry U+0000 (PostgreSQL cannot store it): refused before any handler reads it.
      // Reads of account data need licenses:read (or :write) for services (account-scope.ts).
      handlers: requireReadScope(
        LicensingService,
        refuseNulCharacters(LicensingService, {
          ...unimplementedHandlers<(typeof LicensingService)['method'], Principal>(LicensingService),
          ...createReadHandlers(database, reads.cache),
          ...createEntitlementHandlers(database, reads.cache),
          ...createWatchHandlers(database, reads.watchers, {
            maxWatches: MAX_WATCHES,
            pollMs: () => (reads.feedHealthy() ? WATCH_POLL_MS.healthy : WATCH_POLL_MS.feedDown),
          }),
          ...createAccountHandlers(mutationDeps, database),
          ...createAssignmentHandlers(mutationDeps),
          ...createBulkHandlers(mutationDeps),
          ...createTransferHandlers(mutationDeps, database),
          ...createUserHandlers(mutationDeps),
          ...createUserLifecycleHandlers(mutationDeps, database),
          ...createSeatHandlers(mutationDeps),
          ...createQuoteHandlers(mutationDeps),
          ...createSalesHandlers(mutationDeps, database),
          ...createQueueHandlers(mutationDeps),
          ...createPhoneHandlers(mutationDeps, database),
          ...createBillableStateHandlers(database),
          ...createDecisionHandlers(database),
        }),
      ),
    });
    // Operators' work, apart from the tenants' API: services with operations:write only.
    server.addService({
      descriptor: OperationsService,
      authenticate,
      handlers: createOperationsHandlers(database, clock),
    });
    const port = await server.listen(config.GRPC_HOST, config.GRPC_PORT);
    const events = startOutboxRelay(options, database);
    collectDefaultMetrics({ register: registry });
    registerRelayMetrics(registry, database.outbox.backlog, events?.relay ?? null);
    const stopMutationMetrics = registerMutationMetrics(registry, database);
    rulesMetrics.register(registry, rules);
    registerDecisionLogMetrics(registry, decisionLog);
    let serving = true;
    const metrics: MetricsServer | null =
      config.METRICS_PORT === undefined
        ? null
        : await startMetricsServer({
            registry,
            host: config.METRICS_HOST,
            port: config.METRICS_PORT,
            logger,
            // The details the gRPC health protocol cannot carry: which rules decide, from where, any drift.
            health: () => ({ status: serving ? 'SERVING' : 'NOT_SERVING', rules: rulesHealth(rules) }),
          });
    // Retained phone configurations past their window, and decisions past theirs, are purged by a periodic sweep.
    const sweep = setInterval(() => {
      purgeRetainedConfigurations(database, mutationDeps.now()).then(
        (purged) => purged.length > 0 && logger.info({ purged: purged.length }, 'purged expired phone configurations'),
        (error: unknown) => logger.error({ err: error }, 'retention sweep failed; it runs again later'),
      );
      const cutoff = new Date(mutationDeps.now().getTime() - config.DECISION_LOG_RETENTION_DAYS * 86_400_000);
      database.decisions.purgeBefore(cutoff).then(
        (purged) => purged > 0 && logger.info({ purged }, 'purged decisions past DECISION_LOG_RETENTION_DAYS'),
        (error: unknown) => logger.error({ err: error }, 'decision log sweep failed; it runs again later'),
      );
    }, config.RETENTION_SWEEP_MS);
    sweep.unref();
    return {
      address: `${config.GRPC_HOST.includes(':') ? `[${config.GRPC_HOST}]` : config.GRPC_HOST}:${port}`,
      port,
      get rulesVersion() {
        return rules.current().version;
      },
      relayStats: () => events?.relay.stats() ?? null,
      metricsPort: metrics?.port ?? null,
      registry,
      async stop() {
        serving = false;
        clearInterval(sweep);
        // Watches end first (their callers resume elsewhere), so the drain does not wait for them.
        reads.watchers.close();
        await server.shutdown(config.SHUTDOWN_GRACE_MS);
        // Calls are drained: the relay finishes its batch; whatever is left goes out after a restart.
        await events?.stop();
        await decisionLog.flush();
        await reads.stop();
        await metrics?.close();
        stopMutationMetrics();
        rules.close();
        await database.close();
      },
    };
  } catch (error) {
    closeRules();
    await database.close();
    throw error;
  }
}

/** The transport's bounds on requests, calls and connections, from the configuration (docs/security.md). */
export function grpcServerLimits(config: LicensingConfig): Omit<GrpcServerOptions, 'logger' | 'registry'> {
  return {
    maxRequestBytes: config.GRPC_MAX_REQUEST_BYTES,
    maxResponseBytes: config.GRPC_MAX_RESPONSE_BYTES,
    maxCallMs: config.GRPC_MAX_CALL_MS,
    receiveTimeoutMs: config.GRPC_RECEIVE_TIMEOUT_MS,
    connections: {
      maxConnections: config.GRPC_MAX_CONNECTIONS,
      maxConnectionsPerPeer: config.GRPC_MAX_CONNECTIONS_PER_PEER,
      handshakeTimeoutMs: config.GRPC_HANDSHAKE_TIMEOUT_MS,
      idleTimeoutMs: config.GRPC_IDLE_TIMEOUT_MS,
      maxConnectionAgeMs: config.GRPC_MAX_CONNECTION_AGE_MS,
      maxConnectionAgeGraceMs: config.GRPC_MAX_CONNECTION_AGE_GRACE_MS,
      maxConcurrentStreams: config.GRPC_MAX_CONCURRENT_STREAMS,
      keepaliveTimeMs: config.GRPC_KEEPALIVE_TIME_MS,
      keepaliveTimeoutMs: config.GRPC_KEEPALIVE_TIMEOUT_MS,
    },
  };
}

/**
 * Starts the outbox relay towards the given publisher, or a Kafka publisher of its own when only
 * KAFKA_BROKERS is configured. Without either, events wait in the outbox (and a warning says so).
 */
function startOutboxRelay(options: LicensingServiceOptions, database: Awaited<ReturnType<typeof openDatabase>>) {
  const { config, logger } = options;
  const ownPublisher = options.publisher
    ? null
    : config.KAFKA_BROKERS
      ? new KafkaPublisher(
          createKafka({ brokers: config.KAFKA_BROKERS.split(','), clientId: config.KAFKA_CLIENT_ID, logger }),
        )
      : null;
  const publisher = options.publisher ?? ownPublisher;
  if (!publisher) {
    logger.warn('no KAFKA_BROKERS and no in-process consumer: license events wait in the outbox until a relay runs');
    return null;
  }
  const relay = new OutboxRelay({
    store: database.outbox,
    publisher,
    logger: logger.child({ component: 'outbox-relay' }),
    batchSize: config.OUTBOX_BATCH_SIZE,
    leaseMs: config.OUTBOX_LEASE_MS,
    pollIntervalMs: config.OUTBOX_POLL_MS,
    ...(options.now ? { now: options.now } : {}),
  });
  const unsubscribe = database.onCommit((change) => change.events > 0 && relay.wake());
  relay.start();
  return {
    relay,
    async stop() {
      unsubscribe();
      await relay.stop();
      await ownPublisher?.close();
    },
  };
}

/**
 * Bounds of the read cache. Answers are weighed by their encoded size; in the heap a decoded
 * message takes several times that, so 4 MiB of answers stays a few tens of MiB even where the
 * old generation is bounded (README, Deployment). 200 accounts' seat usage and first pages take
 * about 1 MiB.
 */
const READ_CACHE_MAX_ANSWERS = 20_000;
const READ_CACHE_MAX_BYTES = 4 * 1024 * 1024;

/** Most WatchEntitlements streams one instance serves at once. */
const MAX_WATCHES = 1_000;
/**
 * How often an idle watch looks at the outbox without being woken: rarely while the change feed
 * (or, on libsql, this process alone) tells it of every commit; every second while the feed is
 * down, which bounds how late another instance's change reaches a watcher then.
 */
const WATCH_POLL_MS = { healthy: 5_000, feedDown: 1_000 };

/**
 * The read cache and the watches, and what keeps them honest: this process's commits invalidate
 * their accounts at once; on PostgreSQL, other instances' commits arrive through the change feed,
 * and while the feed is down the cache stands aside. libsql has one process per file, so its own
 * commits are all.
 */
function startReadCache(database: Awaited<ReturnType<typeof openDatabase>>) {
  let feed: ChangeFeed | null = null;
  const feedHealthy = () => database.dialect === 'libsql' || (feed?.connected ?? false);
  const cache = new AccountReadCache(feedHealthy, READ_CACHE_MAX_ANSWERS, READ_CACHE_MAX_BYTES);
  const watchers = new AccountWatchers();
  const changed = (accountId: string) => {
    cache.invalidate(accountId);
    watchers.changed(accountId);
  };
  const unsubscribe = database.onCommit((change) => change.accounts.forEach(changed));
  feed = database.watchChanges({
    onAccount: changed,
    onReset: () => {
      cache.reset();
      watchers.changedAll();
    },
  });
  return {
    cache,
    watchers,
    feedHealthy,
    async stop() {
      unsubscribe();
      await feed?.stop();
    },
  };
}
