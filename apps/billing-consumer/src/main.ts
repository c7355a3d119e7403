/**
 * The billing consumer as deployed: a member of the KAFKA_GROUP_ID consumer group on
 * `license-events`, keeping the ledger in PostgreSQL (BILLING_DATABASE_URL) or a libsql file.
 * Without Kafka there is nothing to consume in a separate process; the embedded stack
 * (`npm start`) runs the same consumer in-process instead.
 */
import { createLogger, stopOnSignals } from '@acme/util';
import { loadBillingConfig, startBillingService } from '@acme/billing';

try {
  const config = loadBillingConfig();
  const logger = createLogger({ name: 'billing-consumer', level: config.LOG_LEVEL });
  const service = await startBillingService({ config, logger });
  logger.info(
    { group: config.KAFKA_GROUP_ID, brokers: config.KAFKA_BROKERS, metricsPort: service.metricsPort },
    'billing consumer running',
  );
  stopOnSignals(() => service.stop(), logger);
} catch (error) {
  process.stderr.write(
    `${error instanceof Error ? error.message : String(error)}\nFor a single-process setup without Kafka, run \`npm start\`.\n`,
  );
  process.exit(1);
}
