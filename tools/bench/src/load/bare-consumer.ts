/**
 * The ceiling for billing: a bare kafkajs consumer group member that does nothing with the
 * messages but count them (eachBatch), reading TOPIC until it has seen EXPECTED messages. Prints
 * { messages, seconds } with seconds from the first message to the last.
 */
import { Kafka, logLevel } from 'kafkajs';

const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};
const expected = Number(env('EXPECTED'));
const kafka = new Kafka({ clientId: 'bare-consumer', brokers: env('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: env('GROUP'), sessionTimeout: 6_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
let messages = 0;
let first = 0;
let last = 0;
let done!: () => void;
const finished = new Promise<void>((resolve) => (done = resolve));
await consumer.connect();
await consumer.subscribe({ topics: [env('TOPIC')], fromBeginning: true });
await consumer.run({
  eachBatch: async ({ batch }) => {
    if (first === 0) first = performance.now();
    messages += batch.messages.length;
    last = performance.now();
    if (messages >= expected) done();
  },
});
await finished;
process.stdout.write(`${JSON.stringify({ messages, seconds: (last - first) / 1000 })}\n`);
await consumer.disconnect();
