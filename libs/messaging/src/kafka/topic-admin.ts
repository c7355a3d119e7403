import type { Admin, Kafka } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor: number;
  /** Broker-side topic settings, e.g. `{ 'retention.ms': '-1' }`. */
  config?: Record<string, string>;
}

export interface PartitionLag {
  partition: number;
  /** Offset of the next message to be written. */
  highWatermark: bigint;
  /** Next offset the group will read (the oldest retained one when it never committed). */
  committed: bigint;
  lag: bigint;
}

/** Topic provisioning and lag figures through the Kafka admin API. */
export class TopicAdmin {
  private readonly admin: Admin;
  private connected: Promise<void> | null = null;

  constructor(kafka: Kafka) {
    this.admin = kafka.admin();
  }

  /** Creates the topics that do not exist yet; returns the names it created. */
  async ensureTopics(specs: TopicSpec[]): Promise<string[]> {
    await this.connect();
    const existing = new Set(await this.admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return [];
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions,
        replicationFactor: s.replicationFactor,
        configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
    return missing.map((s) => s.topic);
  }

  /** Low and high watermarks of every partition of a topic. */
  async watermarks(topic: string): Promise<{ partition: number; low: bigint; high: bigint }[]> {
    await this.connect();
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return offsets
      .map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }))
      .sort((a, b) => a.partition - b.partition);
  }

  /** How far a consumer group is behind on each partition of a topic. */
  async groupLag(topic: string, groupId: string): Promise<PartitionLag[]> {
    const marks = await this.watermarks(topic);
    const [committed] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    const byPartition = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    return marks.map(({ partition, low, high }) => {
      const offset = byPartition.get(partition) ?? -1n;
      // -1: the group never committed here, so it will start from the oldest retained message.
      const next = offset < 0n ? low : offset;
      return { partition, highWatermark: high, committed: next, lag: high > next ? high - next : 0n };
    });
  }

  async close(): Promise<void> {
    if (this.connected) await this.admin.disconnect();
  }

  private connect(): Promise<void> {
    this.connected ??= this.admin.connect().catch((error: unknown) => {
      this.connected = null;
      throw error;
    });
    return this.connected;
  }
}
