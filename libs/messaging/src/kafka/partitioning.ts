import { Partitioners, type Admin } from 'kafkajs';

const murmur2 = Partitioners.DefaultPartitioner();

/**
 * The partition Kafka's default (Java-compatible murmur2) partitioner gives a key, so producers in
 * any language agree on where an account's events live.
 */
export function partitionOfKey(topic: string, key: string, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
  return murmur2({ topic, partitionMetadata, message: { key, value: null } });
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
    if (partitions === 0) throw new Error(`topic ${topic} does not exist (or has no partitions)`);
    return partitions;
  }
}
