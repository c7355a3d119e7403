#!/usr/bin/env -S npx tsx
/**
 * A Kafka mock cluster for local use, with the platform's topics (license-events and its
 * dead-letter topic) unless told otherwise:
 *   npm run kafka-mock -- --brokers 3 --topic license-events:12
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

/**
 * What the services need on a fresh cluster (the names of @acme/messaging's LICENSE_EVENTS_TOPIC and
 * LICENSE_EVENTS_DLQ_TOPIC, which this tool cannot import: messaging's tests use it). A --topic of
 * the same name replaces its default.
 */
const DEFAULT_TOPICS: MockTopic[] = [
  { name: 'license-events', partitions: 6 },
  { name: 'license-events.dlq', partitions: 1 },
];

/** The defaults unless a --topic names the same topic, then the --topic ones. */
const withDefaultTopics = (given: MockTopic[], defaults = DEFAULT_TOPICS): MockTopic[] => [
  ...defaults.filter((d) => !given.some((t) => t.name === d.name)),
  ...given,
];

const program = new Command()
  .name('kafka-mock')
  .description("Kafka mock cluster (librdkafka's mock brokers) for development; fault commands on stdin")
  .option('--brokers <n>', 'number of brokers, ids 0..n-1', integer, 3)
  .option(
    '--topic <name:partitions[:replication]>',
    'create a topic at start-up (repeatable); license-events:6 and license-events.dlq:1 are created unless named',
    topic,
    [],
  )
  .option('--no-default-topics', 'create only the --topic topics')
  .option('--verbose', "show librdkafka's log")
  .action(async (options: { brokers: number; topic: MockTopic[]; defaultTopics: boolean; verbose?: boolean }) => {
    const kafka = await startMockKafka({
      brokers: options.brokers,
      topics: options.defaultTopics ? withDefaultTopics(options.topic) : options.topic,
      verbose: options.verbose ?? false,
    });
    const brokers = kafka.bootstrap.join(',');
    const topics = (await kafka.command('topics')).replace(/^ok ?/, '') || '(none)';
    process.stdout.write(`bootstrap ${brokers}\ntopics ${topics}\nexport KAFKA_BROKERS=${brokers}\n`);
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
