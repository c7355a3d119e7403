#!/usr/bin/env -S npx tsx
/**
 * A Kafka mock cluster for local use:
 *   npm run kafka-mock -- --brokers 3 --topic license-events:6
 * Prints the bootstrap list and an `export KAFKA_BROKERS=...` line, then passes each line typed
 * on stdin to the launcher (type `help`) and prints its answer. Ctrl-C, Ctrl-D or `quit` stops it.
 */
import { createInterface } from 'node:readline';
import { Command, InvalidArgumentError } from 'commander';
import { startMockKafka, type MockTopic } from './mock-cluster.js';

function integer(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
  return Number(value);
}

function topic(value: string, previous: MockTopic[]): MockTopic[] {
  const match = /^([^:\s]+):(\d+)(?::(\d+))?$/.exec(value);
  if (!match) throw new InvalidArgumentError(`expected name:partitions[:replication], got "${value}"`);
  const [, name, partitions, replication] = match;
  return [
    ...previous,
    { name: name!, partitions: Number(partitions), ...(replication ? { replication: Number(replication) } : {}) },
  ];
}

const program = new Command()
  .name('kafka-mock')
  .description("Kafka mock cluster (librdkafka's mock brokers) for development; fault commands on stdin")
  .option('--brokers <n>', 'number of brokers, ids 0..n-1', integer, 3)
  .option('--topic <name:partitions[:replication]>', 'create a topic at start-up (repeatable)', topic, [])
  .option('--verbose', "show librdkafka's log")
  .action(async (options: { brokers: number; topic: MockTopic[]; verbose?: boolean }) => {
    const kafka = await startMockKafka({
      brokers: options.brokers,
      topics: options.topic,
      verbose: options.verbose ?? false,
    });
    const brokers = kafka.bootstrap.join(',');
    process.stdout.write(`bootstrap ${brokers}\nexport KAFKA_BROKERS=${brokers}\n`);
    process.stderr.write('kafka-mock: type "help" for commands; Ctrl-C, Ctrl-D or "quit" stops the cluster\n');

    let stopping: Promise<void> | undefined;
    const stop = (code = 0) => {
      stopping ??= kafka.stop().then(() => process.exit(code));
      return stopping;
    };
    const lines = createInterface({ input: process.stdin, terminal: false });
    lines.on('line', (line) => {
      if (!line.trim() || stopping) return;
      if (line.trim() === 'quit') return void stop();
      // Replies come back in order, so printing as each one arrives keeps them in order.
      kafka.command(line).then(
        (reply) => process.stdout.write(`${reply}\n`),
        (error: unknown) => {
          process.stderr.write(`kafka-mock: ${error instanceof Error ? error.message : String(error)}\n`);
          void stop(1);
        },
      );
    });
    lines.on('close', () => void stop());
    process.on('SIGINT', () => void stop());
    process.on('SIGTERM', () => void stop());
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`kafka-mock: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
