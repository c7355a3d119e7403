/**
 * The billing API as deployed: acme.billing.v1.BillingService on BILLING_API_HOST:BILLING_API_PORT,
 * reading the ledger the billing consumer keeps (BILLING_DATABASE_URL or the libsql file), tokens
 * verified with JWT_JWKS_FILE or JWT_JWKS_URL, administrators asked of the licensing service at
 * LICENSING_ADDRESS; traces over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
import { configuredJwks } from '@acme/auth';
import { licensingAdminCheck, loadBillingApiConfig, serviceTokensOnly, startBillingApi } from '@acme/billing';
import { startTracing } from '@acme/telemetry';
import { createLogger, stopOnSignals } from '@acme/util';

try {
  const config = loadBillingApiConfig();
  const logger = createLogger({ name: 'billing-api', level: config.LOG_LEVEL });
  const tracing = startTracing({ serviceName: 'billing-api' });
  const keys = await configuredJwks(config, logger, 'the billing API');
  const admins = config.LICENSING_ADDRESS ? licensingAdminCheck(config.LICENSING_ADDRESS) : null;
  const api = await startBillingApi({
    config,
    logger,
    jwks: keys.current,
    isAdmin: admins?.check ?? serviceTokensOnly,
  });
  logger.info(
    {
      address: api.address,
      metricsPort: api.metricsPort,
      licensing: config.LICENSING_ADDRESS ?? 'unset: service tokens only',
      traces: tracing.endpoint ?? 'off',
    },
    'billing API listening',
  );
  stopOnSignals(async () => {
    keys.close();
    await api.stop();
    admins?.close();
    await tracing.shutdown();
  }, logger);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
