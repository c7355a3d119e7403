import type { JSONWebKeySet } from 'jose';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { billing } from '@acme/contracts';
import { createTokenVerifier, soleAuthorization } from '@acme/auth';
import { openLedgerDatabase, type LedgerDatabase } from '@acme/billing-data-access';
import { GrpcServer, refuseNulCharacters, type Metadata } from '@acme/grpc';
import { startMetricsServer, type Logger, type MetricsServer } from '@acme/util';
import type { AdminCheck, BillingCaller } from './authorize-reader.js';
import { createBillingHandlers } from './billing-handlers.js';
import type { BillingApiConfig } from './config.js';

export interface RunningBillingApi {
  /** host:port it listens on. */
  address: string;
  metricsPort: number | null;
  stop(): Promise<void>;
}

/**
 * The billing API (acme.billing.v1.BillingService) over the ledger database alone: the same
 * gRPC server as the licensing service (health, reflection, google.rpc.Status errors, deadlines,
 * grpc_server_handled_total and grpc_server_handling_seconds, a span per call). It never writes:
 * the consumer keeps the ledger, this answers from it, and several instances may share it.
 */
export async function startBillingApi(options: {
  config: BillingApiConfig;
  logger: Logger;
  jwks: JSONWebKeySet | (() => JSONWebKeySet);
  /** Who administers an account: the licensing service, asked with the caller's token. */
  isAdmin: AdminCheck;
  /** A ledger already open in this process (the dev stack's consumer's), kept open at stop; else the configured one. */
  ledger?: LedgerDatabase;
}): Promise<RunningBillingApi> {
  const { config, logger } = options;
  const ledger =
    options.ledger ??
    (await openLedgerDatabase(
      config.BILLING_DATABASE_URL
        ? { databaseUrl: config.BILLING_DATABASE_URL }
        : { sqlitePath: config.BILLING_SQLITE_PATH },
    ));
  const closeLedger = () => (options.ledger ? Promise.resolve() : ledger.close());
  let metrics: MetricsServer | null = null;
  try {
    // The consumer migrates the ledger; this refuses to serve a schema older than its code.
    const pending = await ledger.pendingSchemaChanges();
    if (pending !== '')
      throw new Error(
        'the ledger database is not migrated: run `npm run migrate` (or start the billing consumer) first',
      );
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const server = new GrpcServer({
      logger,
      maxRequestBytes: 16 * 1024,
      maxResponseBytes: 4 * 1024 * 1024,
      maxCallMs: 30_000,
      registry,
    });
    const verify = createTokenVerifier({
      jwks: options.jwks,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    });
    server.addService({
      descriptor: billing.BillingService,
      authenticate: async (metadata: Metadata): Promise<BillingCaller> => {
        const header = soleAuthorization(metadata.get('authorization'));
        const identity = await verify(header);
        // Verified, so it is "Bearer <jwt>": the token goes on to licensing for an administrator check.
        return { identity, subject: identity.subject, bearer: header!.trim().replace(/^Bearer\s+/i, '') };
      },
      // No request text may carry U+0000 (PostgreSQL cannot take it): refused before any handler reads it.
      handlers: refuseNulCharacters(billing.BillingService, createBillingHandlers(ledger, options.isAdmin)),
    });
    const port = await server.listen(config.BILLING_API_HOST, config.BILLING_API_PORT);
    metrics =
      config.METRICS_PORT === undefined
        ? null
        : await startMetricsServer({ registry, host: config.METRICS_HOST, port: config.METRICS_PORT, logger });
    return {
      address: `${config.BILLING_API_HOST}:${port}`,
      metricsPort: metrics?.port ?? null,
      stop: async () => {
        await server.shutdown(config.SHUTDOWN_GRACE_MS);
        await metrics?.close();
        await closeLedger();
      },
    };
  } catch (error) {
    await metrics?.close();
    await closeLedger();
    throw error;
  }
}
