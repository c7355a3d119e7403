import type { JSONWebKeySet } from 'jose';
import { LicensingService } from '@acme/contracts';
import type { Principal } from '@acme/auth';
import { GrpcServer, unimplementedHandlers } from '@acme/grpc';
import { openDatabase } from '@acme/licensing-data-access';
import type { EventPublisher } from '@acme/messaging';
import { watchRules } from '@acme/rules';
import type { Logger } from '@acme/util';
import { bearerAuthenticator } from './authenticate.js';
import type { LicensingConfig } from './config.js';
import { createReadHandlers } from './handlers/read-handlers.js';
import { createAssignmentHandlers } from './handlers/assignment-handlers.js';
import { createUserHandlers } from './handlers/user-handlers.js';
import { createSeatHandlers } from './handlers/seat-handlers.js';
import { createSalesHandlers } from './handlers/sales-handlers.js';
import { createQueueHandlers } from './handlers/queue-handlers.js';
import { purgeExpiredPhoneConfigurations } from './mutations/retention-sweep.js';

export interface LicensingServiceOptions {
  config: LicensingConfig;
  logger: Logger;
  /** Public keys that sign bearer tokens. */
  jwks: JSONWebKeySet;
  /**
   * Where outbox events will be published (Kafka or the in-process bus). Not used yet: the relay
   * arrives with the events issue, and until then events wait in the outbox table.
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
  stop(): Promise<void>;
}

/**
 * Composes the licensing service: database (migrated, optionally seeded), watched policy rules,
 * authentication, handlers and the gRPC server. Both the production app and the dev stack start
 * it through here, so they cannot drift apart.
 */
export async function startLicensingService(options: LicensingServiceOptions): Promise<RunningLicensingService> {
  const { config, logger } = options;
  const database = await openDatabase(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { sqlitePath: config.SQLITE_PATH });
  try {
    await database.migrate();
    if (config.SEED_DEMO) await database.seedDemo();
    const rules = await watchRules(config.RULES_DIR, {
      onReload: (ruleSet) => logger.info({ rulesVersion: ruleSet.version }, 'policy rules reloaded'),
      onError: (error) => logger.error({ problems: error.message }, 'policy rules edit rejected; previous rule set stays active'),
    });
    const mutationDeps = { db: database, rules: () => rules.current(), now: options.now ?? (() => new Date()) };
    const server = new GrpcServer({ logger, maxMessageBytes: config.GRPC_MAX_MESSAGE_BYTES, maxCallMs: config.GRPC_MAX_CALL_MS });
    server.addService({
      descriptor: LicensingService,
      authenticate: bearerAuthenticator({ jwks: options.jwks, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }),
      handlers: {
        ...unimplementedHandlers<(typeof LicensingService)['method'], Principal>(LicensingService),
        ...createReadHandlers(database),
        ...createAssignmentHandlers(mutationDeps),
        ...createUserHandlers(mutationDeps),
        ...createSeatHandlers(mutationDeps),
        ...createSalesHandlers(mutationDeps),
        ...createQueueHandlers(mutationDeps),
      },
    });
    const port = await server.listen(config.GRPC_HOST, config.GRPC_PORT);
    // Retained phone configurations past their window are purged by a periodic sweep.
    const sweep = setInterval(() => {
      purgeExpiredPhoneConfigurations(mutationDeps).then(
        (purged) => purged > 0 && logger.info({ purged }, 'purged expired phone configurations'),
        (error: unknown) => logger.error({ err: error }, 'retention sweep failed; it runs again later'),
      );
    }, config.RETENTION_SWEEP_MS);
    sweep.unref();
    return {
      address: `${config.GRPC_HOST.includes(':') ? `[${config.GRPC_HOST}]` : config.GRPC_HOST}:${port}`,
      port,
      get rulesVersion() {
        return rules.current().version;
      },
      async stop() {
        clearInterval(sweep);
        await server.shutdown(config.SHUTDOWN_GRACE_MS);
        rules.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
