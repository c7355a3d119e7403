/**
 * The licensing service as deployed: one process, gRPC on GRPC_HOST:GRPC_PORT, state in
 * PostgreSQL (DATABASE_URL) or the embedded libsql file, public keys from JWT_JWKS_FILE.
 */
import { createLogger, stopOnSignals, ConfigError } from '@acme/util';
import { loadLicensingConfig, startLicensingService, watchJwksFile } from '@acme/licensing';

try {
  const config = loadLicensingConfig();
  const logger = createLogger({ name: 'licensing-service', level: config.LOG_LEVEL });
  if (!config.JWT_JWKS_FILE)
    throw new ConfigError(['JWT_JWKS_FILE: required: the service verifies bearer tokens with these public keys']);
  // Reloaded when the file changes: keys rotate without a restart.
  const keys = watchJwksFile(config.JWT_JWKS_FILE, logger);
  const service = await startLicensingService({ config, logger, jwks: keys.current });
  logger.info({ address: service.address, rulesVersion: service.rulesVersion }, 'licensing service listening');
  stopOnSignals(async () => {
    keys.close();
    await service.stop();
  }, logger);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
