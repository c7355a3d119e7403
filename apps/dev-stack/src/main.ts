/**
 * `npm start`: the whole platform in one process on embedded defaults — the licensing service on
 * a libsql file under ./data, the billing consumer fed in-process (no Kafka), development signing
 * keys, and a seeded demo catalog and accounts. Prints where it listens and how to call it.
 */
import { createLogger, stopOnSignals } from '@acme/util';
import { loadLicensingConfig } from '@acme/licensing';
import { startDevStack } from './dev-stack.js';

try {
  const config = loadLicensingConfig({ SEED_DEMO: 'true', ...process.env });
  const logger = createLogger({ name: 'dev-stack', level: config.LOG_LEVEL });
  const stack = await startDevStack({ config, logger, billingEnv: process.env });
  process.stdout.write(stack.banner);
  stopOnSignals(() => stack.stop(), logger);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
