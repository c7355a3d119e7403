/**
 * The billing consumer as deployed: reads `license-events` from Kafka (KAFKA_BROKERS).
 * Without Kafka there is nothing to consume in a separate process; the embedded stack
 * (`npm start`) runs the same consumer in-process instead.
 */
import { z } from 'zod';
import { createLogger, env, parseEnv } from '@acme/util';

const config = (() => {
  try {
    return parseEnv(
      z.object({
        KAFKA_BROKERS: z.string({ error: 'required: comma-separated host:port list of the Kafka brokers' }),
        LOG_LEVEL: env.logLevel(),
      }),
    );
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nFor a single-process setup without Kafka, run \`npm start\`.\n`);
    process.exit(1);
  }
})();

const logger = createLogger({ name: 'billing-consumer', level: config.LOG_LEVEL });
logger.error('the Kafka transport of the billing consumer is not built yet; run `npm start` for the embedded stack');
process.exit(1);
