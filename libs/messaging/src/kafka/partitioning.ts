import type { Admin } from 'kafkajs';
import { MissingTopicError } from './missing-topic.js';

const encoder = new TextEncoder();

/**
 * The partition Kafka's default (Java-compatible murmur2) partitioner gives a key, so producers in
 * any language agree on where an account's events live: `toPositive(murmur2(utf8(key))) % n`.
 */
export function partitionOfKey(_topic: string, key: string, partitions: number): number {
  return (murmur2(encoder.encode(key)) & 0x7fffffff) % partitions;
}

/**
 * Kafka's murmur2 in 32-bit integer arithmetic. kafkajs 2.2.4 computes it on BigInts that it never
 * truncates, so the numbers grow with the key and hashing takes quadratic time: 10 s for a 265 KB
 * key, 63 s for 600 KB. Dead-lettering a message with such a key blocked the billing consumer's
 * event loop past its session timeout, the group dropped it, the batch came again: a livelock
 * (found by bad-events.e2e.test.ts). Same results, linear time.
 */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = 0x9747b28c ^ length;
  for (let i = 0; i + 4 <= length; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length % 4;
  if (rest > 0) {
    const tail = length & ~3;
    if (rest === 3) h ^= data[tail + 2]! << 16;
    if (rest >= 2) h ^= data[tail + 1]! << 8;
    h ^= data[tail]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** Partition counts of topics, read once through the admin API and forgotten on demand. */
export class PartitionCounts {
  private readonly counts = new Map<string, Promise<number>>();

  constructor(private readonly admin: () => Promise<Admin>) {}

  of(topic: string): Promise<number> {
    let count = this.counts.get(topic);
    if (!count) {
      count = this.fetch(topic);
      this.counts.set(topic, count);
      count.catch(() => this.counts.delete(topic));
    }
    return count;
  }

  /** After a failure the topic may have changed (more partitions): ask again next time. */
  forget(topic: string): void {
    this.counts.delete(topic);
  }

  private async fetch(topic: string): Promise<number> {
    const { topics } = await (await this.admin()).fetchTopicMetadata({ topics: [topic] });
    const partitions = topics[0]?.partitions.length ?? 0;
    if (partitions === 0) throw new MissingTopicError(topic);
    return partitions;
  }
}
