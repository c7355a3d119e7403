/**
 * The licensing service as deployed: one process, gRPC on GRPC_HOST:GRPC_PORT, state in
 * PostgreSQL (DATABASE_URL) or the embedded libsql file, public keys from JWT_JWKS_FILE or
 * JWT_JWKS_URL; traces over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
import { createLogger, stopOnSignals } from '@acme/util';
import { startTracing } from '@acme/telemetry';
import { configuredJwks } from '@acme/auth';
import { loadLicensingConfig, startLicensingService } from '@acme/licensing';

try {
  const config = loadLicensingConfig();
  const logger = createLogger({ name: 'licensing-service', level: config.LOG_LEVEL });
  const tracing = startTracing({ serviceName: 'licensing-service' });
  // Reloaded when the file changes, or fetched again every JWT_JWKS_REFRESH_MS: keys rotate without a restart.
  const keys = await configuredJwks(config, logger, 'the service');
  const service = await startLicensingService({ config, logger, jwks: keys.current });
  logger.info(
    { address: service.address, rulesVersion: service.rulesVersion, traces: tracing.endpoint ?? 'off' },
    'licensing service listening',
  );
  stopOnSignals(async () => {
    keys.close();
    await service.stop();
    await tracing.shutdown();
  }, logger);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
