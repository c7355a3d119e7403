import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { backoffDelay, type Logger } from '@acme/util';
import type { BatchHandler, ConsumedMessage, EventConsumer } from '../event-bus.js';
import { describesUnreachableBroker } from './kafka-log.js';
import { explainMissingTopic } from './missing-topic.js';

export interface KafkaConsumerOptions {
  groupId: string;
  logger: Logger;
  /** Messages handed to the handler at once; offsets are committed after each chunk. */
  chunkSize?: number;
  /** How long the group waits for a silent member before giving its partitions to others. */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Start from the oldest retained message when the group has no committed offset yet. */
  fromBeginning?: boolean;
  /** Partitions handled at the same time (each in order, each batch committed on its own). */
  concurrentPartitions?: number;
  /**
   * Longest a fetch waits for new messages. Kafka answers a waiting fetch as soon as messages
   * arrive, so this costs no latency there; librdkafka's mock broker answers only when the wait
   * ends, so there it bounds how late new messages are seen.
   */
  fetchMaxWaitMs?: number;
  /** Most bytes one fetch brings per partition (a message larger than this still comes, alone). */
  maxBytesPerPartition?: number;
}

/** Errors that mean "this member no longer owns the partition": a rebalance took it away. */
const REBALANCE_ERRORS = new Set([
  'UNKNOWN_MEMBER_ID',
  'ILLEGAL_GENERATION',
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'FENCED_INSTANCE_ID',
]);

/** The error (or the error it wraps) that says a rebalance took the partition away; null for any other. */
function rebalanceError(error: unknown): Error | null {
  for (let e = error as (Error & { type?: string; cause?: unknown }) | undefined; e; e = e.cause as typeof e) {
    if (e.type && REBALANCE_ERRORS.has(e.type)) return e;
  }
  return null;
}

/**
 * A kafkajs consumer group member that commits offsets only after the handler has durably handled
 * a chunk, never before: a crash between the two redelivers the chunk, and handlers de-duplicate.
 * A failing handler is retried with back-off (while heartbeating, so the group keeps the member);
 * the messages are neither skipped nor committed until it succeeds.
 *
 * It never stops by itself: a commit refused because a rebalance took the partition away leaves
 * the chunk to its next owner, and when kafkajs gives up on a consumer (it does not restart after
 * "non-retriable" group errors, tulios/kafkajs#1466) a fresh one joins in its place.
 */
export class KafkaEventConsumer implements EventConsumer {
  private consumer: Consumer | null = null;
  private readonly chunkSize: number;
  private subscription: { topic: string; handler: BatchHandler } | null = null;
  private stopping = false;
  private restarts = 0;
  private assigned: number[] = [];

  constructor(
    private readonly kafka: Kafka,
    private readonly options: KafkaConsumerOptions,
  ) {
    this.chunkSize = options.chunkSize ?? 500;
  }

  async consume(topic: string, handler: BatchHandler): Promise<void> {
    this.subscription = { topic, handler };
    await this.start();
  }

  /** The partitions of the topic this member holds since it last joined the group; none while it rejoins. */
  assignedPartitions(): number[] {
    return [...this.assigned];
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect();
  }

  private async start(): Promise<void> {
    const { topic, handler } = this.subscription!;
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 3_000,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.options.fetchMaxWaitMs ?? 500,
      // Fetched messages wait in memory until handled: bound them (kafkajs defaults, 1 MiB per
      // partition and 10 MiB per fetch and broker, let a consumer of many partitions hold hundreds of MiB).
      maxBytesPerPartition: this.options.maxBytesPerPartition ?? 256 * 1024,
      maxBytes: 2 * 1024 * 1024,
      retry: { initialRetryTime: 100, maxRetryTime: 5_000, retries: 10 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (event) => {
      // A crash kafkajs restarts from is retried, and kafkajs' own log already said it (once per
      // broker outage, see KafkaLog): debug here. One it gives up on is ours to handle: error.
      const level = event.payload.restart ? 'debug' : 'error';
      this.options.logger[level](
        { err: event.payload.error, restart: event.payload.restart },
        'Kafka consumer crashed',
      );
      if (!event.payload.restart && !this.stopping && this.consumer === consumer) this.replace(consumer);
    });
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      if (this.consumer === consumer)
        this.assigned = [...(event.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
    });
    consumer.on(consumer.events.REBALANCING, () => {
      if (this.consumer === consumer) this.assigned = [];
    });
    await consumer.connect();
    await consumer
      .subscribe({ topics: [topic], fromBeginning: this.options.fromBeginning ?? true })
      .catch((error: unknown) => {
        throw explainMissingTopic(error, topic);
      });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.concurrentPartitions ?? 1,
      eachBatch: (payload) => this.handleBatch(consumer, payload, handler),
    });
  }

  /** A consumer kafkajs will not restart is replaced by a fresh member, after a back-off. */
  private replace(dead: Consumer): void {
    const delay = backoffDelay(++this.restarts, { initialMs: 500, maxMs: 30_000 });
    this.options.logger.warn({ retryInMs: delay }, 'starting a fresh Kafka consumer in place of the crashed one');
    setTimeout(() => {
      if (this.stopping) return;
      dead
        .disconnect()
        .catch(() => undefined)
        .then(() => this.start())
        .then(
          () => (this.restarts = 0),
          (error: unknown) => {
            // Brokers still unreachable: kafkajs' log says so once per outage; any other failure is an error.
            const level = describesUnreachableBroker(errorText(error)) ? 'debug' : 'error';
            this.options.logger[level]({ err: error }, 'the fresh Kafka consumer could not start; trying again');
            this.replace(dead);
          },
        );
    }, delay);
  }

  private async handleBatch(consumer: Consumer, payload: EachBatchPayload, handler: BatchHandler): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
    for (let start = 0; start < batch.messages.length; start += this.chunkSize) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages
        .slice(start, start + this.chunkSize)
        .map((m) => toConsumed(batch.topic, batch.partition, m));
      if (!(await this.handleWithRetry(chunk, handler, payload))) return;
      const last = chunk[chunk.length - 1]!.offset;
      try {
        await consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
        ]);
      } catch (error) {
        const rebalance = rebalanceError(error);
        if (!rebalance) throw error;
        // Handled but not committed: left unresolved, the chunk is read again (here, or by the
        // partition's next owner) and committed then; the handler's de-duplication makes that
        // harmless. Thrown with its own type, the error makes kafkajs rejoin the group at once
        // (returning would fetch the chunk again and again until a heartbeat saw the rebalance;
        // the wrapping error would stop the consumer).
        this.options.logger.warn(
          { err: error, partition: batch.partition, offset: last },
          'offsets not committed (the group is rebalancing); the chunk will be read again',
        );
        throw rebalance;
      }
      resolveOffset(last);
      await heartbeat();
    }
  }

  /** True once handled; false when the consumer stopped or lost the partition first. */
  private async handleWithRetry(
    chunk: ConsumedMessage[],
    handler: BatchHandler,
    payload: EachBatchPayload,
  ): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(chunk);
        return true;
      } catch (error) {
        const first = chunk[0]!;
        this.options.logger.warn(
          { err: error, topic: first.topic, partition: first.partition, offset: first.offset, attempt },
          'handling a batch failed; retrying',
        );
        await sleep(backoffDelay(attempt));
        if (!payload.isRunning() || payload.isStale()) return false;
        await payload.heartbeat();
      }
    }
  }
}

/** An error's message with the messages of its causes (kafkajs wraps the connection error in retries). */
function errorText(error: unknown): string {
  const parts: string[] = [];
  for (
    let e = error as { message?: unknown; cause?: unknown } | undefined;
    e && parts.length < 5;
    e = e.cause as typeof e
  )
    parts.push(String(e.message ?? e));
  return parts.join(': ');
}

function toConsumed(topic: string, partition: number, message: KafkaMessage): ConsumedMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? String(value[0]) : String(value);
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? '',
    value: message.value
      ? new Uint8Array(message.value.buffer, message.value.byteOffset, message.value.byteLength)
      : new Uint8Array(),
    headers,
  };
}
