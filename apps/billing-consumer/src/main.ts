/**
 * The billing consumer as deployed: a member of the KAFKA_GROUP_ID consumer group on
 * `license-events`, keeping the ledger in PostgreSQL (BILLING_DATABASE_URL) or a libsql file,
 * continuing each event's trace over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 * Without Kafka there is nothing to consume in a separate process; the embedded stack
 * (`npm start`) runs the same consumer in-process instead.
 */
import { createLogger, stopOnSignals } from '@acme/util';
import { startTracing } from '@acme/telemetry';
import { loadBillingConfig, startBillingService } from '@acme/billing';

try {
  const config = loadBillingConfig();
  const logger = createLogger({ name: 'billing-consumer', level: config.LOG_LEVEL });
  const tracing = startTracing({ serviceName: 'billing-consumer' });
  const service = await startBillingService({ config, logger });
  logger.info(
    {
      group: config.KAFKA_GROUP_ID,
      brokers: config.KAFKA_BROKERS,
      metricsPort: service.metricsPort,
      traces: tracing.endpoint ?? 'off',
    },
    'billing consumer running',
  );
  stopOnSignals(async () => {
    await service.stop();
    await tracing.shutdown();
  }, logger);
} catch (error) {
  process.stderr.write(
    `${error instanceof Error ? error.message : String(error)}\nFor a single-process setup without Kafka, run \`npm start\`.\n`,
  );
  process.exit(1);
}
