import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '@acme/util';

export interface KafkaConnectionOptions {
  /** `host:port` of the bootstrap brokers. */
  brokers: string[];
  /** Names this process in broker logs and quotas. */
  clientId: string;
  logger: Logger;
}

/** kafkajs log levels as pino levels; its INFO is chatty (every join, every connect), so debug. */
const LEVELS: Record<number, 'error' | 'warn' | 'debug' | 'trace'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'debug',
  [logLevel.DEBUG]: 'trace',
};

/**
 * One kafkajs client with its logs folded into ours (structured, with the kafkajs namespace), and
 * connection timeouts short enough that a broker outage is noticed in seconds, not minutes.
 */
export function createKafka(options: KafkaConnectionOptions): Kafka {
  silenceTimeoutNegativeWarning();
  const logger = options.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 100, maxRetryTime: 5_000, retries: 5 },
    logLevel: logLevel.INFO,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, timestamp: _timestamp, logger: _name, ...fields } = log as { message: string; timestamp?: string; logger?: string };
        // Our publisher limits the idempotent producer's retries on purpose (see KafkaPublisher):
        // consumers de-duplicate, so the warning about exactly-once semantics does not apply.
        if (message.startsWith('Limiting retries for the idempotent producer')) return;
        logger[LEVELS[level] ?? 'debug']({ namespace, ...fields }, message);
      },
  });
}

let silenced = false;

/**
 * kafkajs 2.2.4 schedules timers with negative delays on Node 24, which prints a
 * TimeoutNegativeWarning (the delay is clamped to 1 ms, so nothing is wrong). Drop exactly that
 * warning; every other warning still reaches stderr as Node would print it.
 */
function silenceTimeoutNegativeWarning(): void {
  if (silenced) return;
  silenced = true;
  const listeners = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'TimeoutNegativeWarning') return;
    if (listeners.length === 0) process.stderr.write(`(node:${process.pid}) ${warning.name}: ${warning.message}\n`);
    for (const listener of listeners) listener(warning);
  });
}
