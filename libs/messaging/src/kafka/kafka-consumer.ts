import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { backoffDelay, type Logger } from '@acme/util';
import type { BatchHandler, ConsumedMessage, EventConsumer } from '../event-bus.js';

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
}

/**
 * A kafkajs consumer group member that commits offsets only after the handler has durably handled
 * a chunk, never before: a crash between the two redelivers the chunk, and handlers de-duplicate.
 * A failing handler is retried with back-off (while heartbeating, so the group keeps the member);
 * the messages are neither skipped nor committed until it succeeds.
 */
export class KafkaEventConsumer implements EventConsumer {
  private readonly consumer: Consumer;
  private readonly chunkSize: number;

  constructor(
    kafka: Kafka,
    private readonly options: KafkaConsumerOptions,
  ) {
    this.chunkSize = options.chunkSize ?? 500;
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 500,
      retry: { initialRetryTime: 100, maxRetryTime: 5_000, retries: 10 },
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      options.logger.error({ err: event.payload.error, restart: event.payload.restart }, 'Kafka consumer crashed');
    });
  }

  async consume(topic: string, handler: BatchHandler): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [topic], fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload, handler),
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  private async handleBatch(payload: EachBatchPayload, handler: BatchHandler): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
    for (let start = 0; start < batch.messages.length; start += this.chunkSize) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(start, start + this.chunkSize).map((m) => toConsumed(batch.topic, batch.partition, m));
      if (!(await this.handleWithRetry(chunk, handler, payload))) return;
      const last = chunk[chunk.length - 1]!.offset;
      resolveOffset(last);
      await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
      await heartbeat();
    }
  }

  /** True once handled; false when the consumer stopped or lost the partition first. */
  private async handleWithRetry(chunk: ConsumedMessage[], handler: BatchHandler, payload: EachBatchPayload): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(chunk);
        return true;
      } catch (error) {
        const first = chunk[0]!;
        this.options.logger.warn({ err: error, topic: first.topic, partition: first.partition, offset: first.offset, attempt }, 'handling a batch failed; retrying');
        await sleep(backoffDelay(attempt));
        if (!payload.isRunning() || payload.isStale()) return false;
        await payload.heartbeat();
      }
    }
  }
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
    value: message.value ? new Uint8Array(message.value.buffer, message.value.byteOffset, message.value.byteLength) : new Uint8Array(),
    headers,
  };
}
