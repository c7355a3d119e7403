import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Logger } from '@acme/util';
import type { BatchHandler } from '../event-bus.js';
import { KafkaEventConsumer } from './kafka-consumer.js';
import { TopicAdmin } from './topic-admin.js';

export interface TopicSnapshot {
  /** Per partition, the offset just past the last message read (the high watermark at the start). */
  endOffsets: Map<number, bigint>;
  messages: number;
}

/**
 * Reads a topic from its oldest retained message up to the high watermarks seen at the start (a
 * consistent snapshot: messages written meanwhile are left out), handing each partition's messages
 * to `handler` in order. Uses a throw-away consumer group, so no real group's offsets move.
 */
export async function readTopicSnapshot(
  kafka: Kafka,
  topic: string,
  handler: BatchHandler,
  options: { logger: Logger; chunkSize?: number; concurrentPartitions?: number },
): Promise<TopicSnapshot> {
  const admin = new TopicAdmin(kafka);
  let marks: Awaited<ReturnType<TopicAdmin['watermarks']>>;
  try {
    marks = await admin.watermarks(topic);
  } finally {
    await admin.close();
  }
  const endOffsets = new Map(marks.map((m) => [m.partition, m.high]));
  const remaining = new Set(marks.filter((m) => m.high > m.low).map((m) => m.partition));
  let messages = 0;
  if (remaining.size === 0) return { endOffsets, messages };

  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const consumer = new KafkaEventConsumer(kafka, {
    groupId: `snapshot-reader-${randomUUID()}`,
    logger: options.logger,
    fromBeginning: true,
    ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
    ...(options.concurrentPartitions ? { concurrentPartitions: options.concurrentPartitions } : {}),
  });
  await consumer.consume(topic, async (batch) => {
    const partition = batch[0]!.partition;
    const end = endOffsets.get(partition) ?? 0n;
    const wanted = batch.filter((m) => BigInt(m.offset) < end);
    if (wanted.length > 0) {
      await handler(wanted);
      messages += wanted.length;
    }
    if (BigInt(batch[batch.length - 1]!.offset) + 1n >= end && remaining.delete(partition) && remaining.size === 0)
      finish();
  });
  await finished;
  await consumer.stop();
  return { endOffsets, messages };
}
