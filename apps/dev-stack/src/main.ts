/**
 * `npm start`: the whole platform in one process on embedded defaults — the licensing service on
 * a libsql file under ./data, the billing consumer fed in-process (no Kafka), development signing
 * keys, and a seeded demo catalog and accounts. Prints where it listens and how to call it.
 */
import { createLogger, stopOnSignals } from '@acme/util';
import { startTracing } from '@acme/telemetry';
import { loadLicensingConfig } from '@acme/licensing';
import { startDevStack } from './dev-stack.js';

try {
  // The development stack is a staging of one: demo accounts, and a clock an operator may move.
  const config = loadLicensingConfig({ SEED_DEMO: 'true', ALLOW_CLOCK_OFFSET: 'true', ...process.env });
  const logger = createLogger({ name: 'dev-stack', level: config.LOG_LEVEL });
  // One process, so one service name: a call's trace reaches the in-process consumer all the same.
  const tracing = startTracing({ serviceName: 'dev-stack' });
  // The billing API beside it on 50052 unless BILLING_API_PORT says otherwise.
  const stack = await startDevStack({
    config,
    logger,
    billingEnv: { BILLING_API_PORT: '50052', ...process.env },
    // The admin console beside them on 8080 unless CONSOLE_PORT says otherwise.
    consolePort: Number(process.env.CONSOLE_PORT ?? 8080),
  });
  process.stdout.write(stack.banner);
  stopOnSignals(async () => {
    await stack.stop();
    await tracing.shutdown();
  }, logger);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
