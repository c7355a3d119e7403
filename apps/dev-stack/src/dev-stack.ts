import { loadOrCreateDevKeys, signToken } from '@acme/auth';
import { startBillingConsumer } from '@acme/billing';
import { DEV_DEFAULTS, startLicensingService, type LicensingConfig } from '@acme/licensing';
import { InProcessEventBus } from '@acme/messaging';
import type { Logger } from '@acme/util';

export interface DevStack {
  address: string;
  port: number;
  /** A ready-to-use token for the demo GoTo account's super admin. */
  token: string;
  banner: string;
  stop(): Promise<void>;
}

/** Wires the licensing service and the billing consumer together over an in-process event bus. */
export async function startDevStack(options: { config: LicensingConfig; logger: Logger; devKeysFile?: string; now?: () => Date }): Promise<DevStack> {
  const { config, logger } = options;
  const keys = await loadOrCreateDevKeys(options.devKeysFile ?? DEV_DEFAULTS.devKeysFile);
  const bus = new InProcessEventBus();
  const billing = await startBillingConsumer({ subscriber: bus, logger: logger.child({ component: 'billing-consumer' }) });
  const licensing = await startLicensingService({
    config,
    logger: logger.child({ component: 'licensing-service' }),
    jwks: keys.publicJwks,
    publisher: bus,
    ...(options.now ? { now: options.now } : {}),
  });
  const token = await signToken(keys.privateJwk, {
    subject: DEV_DEFAULTS.adminUserId,
    accountId: DEV_DEFAULTS.accountId,
    roles: ['super_admin'],
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    expiresIn: '12h',
  });
  const banner = [
    '',
    `licensing service listening on ${licensing.address} (gRPC, plaintext; health and reflection enabled)`,
    `database: ${config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `libsql file ${config.SQLITE_PATH}`}; events: in-process to the billing consumer`,
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
    'Ctrl-C stops it.',
    '',
  ].join('\n');
  return {
    address: licensing.address,
    port: licensing.port,
    token,
    banner,
    async stop() {
      await licensing.stop();
      await billing.stop();
      await bus.close();
    },
  };
}
