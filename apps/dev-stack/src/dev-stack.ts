import { dirname, join } from 'node:path';
import { loadOrCreateDevKeys, signToken } from '@acme/auth';
import {
  licensingAdminCheck,
  loadBillingApiConfig,
  loadBillingConfig,
  startBillingApi,
  startBillingService,
  type RunningBillingApi,
  type RunningBillingService,
} from '@acme/billing';
import { DEV_DEFAULTS, startLicensingService, type LicensingConfig } from '@acme/licensing';
import { InProcessEventBus } from '@acme/messaging';
import type { Logger } from '@acme/util';
import { buildConsole, DEMO_IDENTITIES, devSignIn } from '@acme/console';

export interface DevStack {
  address: string;
  port: number;
  /** The billing consumer fed in-process (its ledger, its counters). */
  billing: RunningBillingService;
  /** The billing API on that ledger, when BILLING_API_PORT was given. */
  billingApi: RunningBillingApi | null;
  /** A ready-to-use token for the demo GoTo account's super admin (whose record makes them one). */
  token: string;
  /** The admin console's URL, when CONSOLE_PORT was given. */
  consoleUrl: string | null;
  banner: string;
  stop(): Promise<void>;
}

/**
 * Wires the licensing service and the billing consumer together over an in-process event bus:
 * the outbox relay hands each batch straight to the billing consumer's ledger handler.
 */
export async function startDevStack(options: {
  config: LicensingConfig;
  logger: Logger;
  devKeysFile?: string;
  /**
   * Billing variables (BILLING_SQLITE_PATH, …); the ledger file defaults to billing.db beside
   * SQLITE_PATH. With BILLING_API_PORT the billing API is served on that ledger too.
   */
  billingEnv?: Record<string, string | undefined>;
  /** Serve the admin console on this port (0: any free one), signing in as the demo accounts' people. */
  consolePort?: number;
  now?: () => Date;
}): Promise<DevStack> {
  const { config, logger } = options;
  const keys = await loadOrCreateDevKeys(options.devKeysFile ?? DEV_DEFAULTS.devKeysFile);
  const bus = new InProcessEventBus();
  // The licensing service's METRICS_PORT serves this process; billing's counters stay in its registry.
  const billingConfig = {
    ...loadBillingConfig({
      BILLING_SQLITE_PATH: join(dirname(config.SQLITE_PATH), 'billing.db'),
      ...options.billingEnv,
      METRICS_PORT: undefined,
    }),
    LOG_LEVEL: config.LOG_LEVEL,
  };
  const billing = await startBillingService({
    config: billingConfig,
    logger: logger.child({ component: 'billing-consumer' }),
    embedded: { consumer: bus, deadLetters: bus },
    ...(options.now ? { now: options.now } : {}),
  });
  const licensing = await startLicensingService({
    config,
    logger: logger.child({ component: 'licensing-service' }),
    jwks: keys.publicJwks,
    publisher: bus,
    ...(options.now ? { now: options.now } : {}),
  });
  // The billing API reads the consumer's ledger and asks this licensing service who administers an account.
  const admins = options.billingEnv?.BILLING_API_PORT ? licensingAdminCheck(licensing.address) : null;
  const billingApi = admins
    ? await startBillingApi({
        config: loadBillingApiConfig({ ...options.billingEnv, METRICS_PORT: undefined, LOG_LEVEL: config.LOG_LEVEL }),
        logger: logger.child({ component: 'billing-api' }),
        jwks: keys.publicJwks,
        isAdmin: admins.check,
        ledger: billing.ledger,
      })
    : null;
  const adminConsole =
    options.consolePort === undefined
      ? null
      : await buildConsole({
          licensingAddress: licensing.address,
          billingAddress: billingApi?.address ?? null,
          identities: DEMO_IDENTITIES,
          signIn: devSignIn(keys.privateJwk, config.JWT_ISSUER, config.JWT_AUDIENCE),
          oidc: null,
          secureCookies: false,
        });
  const consoleUrl = adminConsole
    ? await adminConsole.app.listen({ host: config.GRPC_HOST, port: options.consolePort })
    : null;
  const token = await signToken(keys.privateJwk, {
    subject: DEV_DEFAULTS.adminUserId,
    accountId: DEV_DEFAULTS.accountId,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    expiresIn: '12h',
  });
  const banner = [
    '',
    `licensing service listening on ${licensing.address} (gRPC, plaintext; health and reflection enabled)`,
    `database: ${config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `libsql file ${config.SQLITE_PATH}`}` +
      `; events: in-process to the billing consumer (ledger: ${billingConfig.BILLING_SQLITE_PATH})`,
    `rule set version: ${licensing.rulesVersion}`,
    '',
    `development token (super admin of ${DEV_DEFAULTS.accountId}, valid 12h):`,
    `  export TOKEN=${token}`,
    '',
    'example calls (in another terminal):',
    `  npm run call -- ListProducts '{}' --address ${licensing.address}`,
    `  npm run call -- GetSeatUsage '{}' --address ${licensing.address}`,
    `  grpcurl -plaintext -H "authorization: Bearer $TOKEN" ${licensing.address} acme.licensing.v1.LicensingService/ListProducts`,
    '',
    ...(billingApi
      ? [
          `billing API listening on ${billingApi.address} (the ledger over gRPC; the same token):`,
          `  npm run call -- GetInvoicePreview '{"periodStart":"${monthStart(0)}T00:00:00Z","periodEnd":"${monthStart(1)}T00:00:00Z"}' --address ${billingApi.address}`,
          '',
        ]
      : []),
    ...(consoleUrl
      ? [`admin console on ${consoleUrl} (sign in as any of: ${DEMO_IDENTITIES.map((i) => i.name).join('; ')})`, '']
      : []),
    'what billing made of it (invoice preview from the ledger):',
    `  BILLING_SQLITE_PATH=${billingConfig.BILLING_SQLITE_PATH} npm run billing -- invoice --account ` +
      `${DEV_DEFAULTS.accountId} --from ${monthStart(0)} --to ${monthStart(1)}`,
    '',
    'Ctrl-C stops it.',
    '',
  ].join('\n');
  return {
    address: licensing.address,
    port: licensing.port,
    billing,
    billingApi,
    token,
    consoleUrl,
    banner,
    async stop() {
      await adminConsole?.close();
      await billingApi?.stop();
      admins?.close();
      await licensing.stop();
      await billing.stop();
      await bus.close();
    },
  };
}

/** The first day of this month (offset 0) or a later one, as YYYY-MM-DD (UTC). */
function monthStart(offset: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString().slice(0, 10);
}
