import { Kafka, logLevel } from 'kafkajs';
import type { Logger } from '@acme/util';
import { KafkaLog } from './kafka-log.js';

export interface KafkaConnectionOptions {
  /** `host:port` of the bootstrap brokers. */
  brokers: string[];
  /** Names this process in broker logs and quotas. */
  clientId: string;
  logger: Logger;
}

/**
 * One kafkajs client with its logs folded into ours (structured, with the kafkajs namespace; a
 * broker outage is one warning, see KafkaLog), and connection timeouts short enough that a broker
 * outage is noticed in seconds, not minutes.
 */
export function createKafka(options: KafkaConnectionOptions): Kafka {
  silenceTimeoutNegativeWarning();
  const log = new KafkaLog(options.logger);
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 100, maxRetryTime: 5_000, retries: 5 },
    logLevel: logLevel.INFO,
    logCreator: log.logCreator,
    socketFactory: log.socketFactory,
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
