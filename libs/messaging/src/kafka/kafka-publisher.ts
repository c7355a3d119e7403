import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import type { EventMessage, EventPublisher } from '../event-bus.js';
import { explainMissingTopic } from './missing-topic.js';
import { PartitionCounts, partitionOfKey } from './partitioning.js';

/**
 * Publishes through an idempotent kafkajs producer with one request in flight, so the client's
 * own retries can neither duplicate nor reorder messages of one partition (one account's events
 * stay in sequence). acks=all: a resolved publish survives the loss of a broker. Connects on first
 * use, so a service starts while the brokers are down and publishes once they return.
 *
 * Each send() carries one partition's messages only (partitions chosen here, with Kafka's
 * murmur2 partitioner): kafkajs 2.2.4 can resolve a send() spanning partitions without the
 * messages of a partition whose leader moved to a broker that already answered for another one
 * (tulios/kafkajs#1303; pinned by mock-broker.test.ts), which would lose events silently.
 *
 * A publish that fails rejects, and the caller sends the same messages again later: some may
 * already be on the topic (other partitions succeeded), so delivery is at least once and consumers
 * de-duplicate. The failed producer is discarded, because its idempotence sequence state is
 * unknown after the failure; the next publish starts a fresh one.
 */
export class KafkaPublisher implements EventPublisher {
  private producer: Producer | null = null;
  private connected: Promise<Producer> | null = null;
  private admin: Promise<Admin> | null = null;
  private readonly partitions = new PartitionCounts(() => this.connectAdmin());
  private closed = false;

  constructor(private readonly kafka: Kafka) {}

  async publish(topic: string, messages: EventMessage[]): Promise<void> {
    if (this.closed) throw new Error('publisher is closed');
    if (messages.length === 0) return;
    const producer = await this.connect();
    try {
      const count = await this.partitions.of(topic);
      const byPartition = new Map<number, EventMessage[]>();
      for (const m of messages) {
        const partition = partitionOfKey(topic, m.key, count);
        byPartition.set(partition, [...(byPartition.get(partition) ?? []), m]);
      }
      // Partitions are independent, so their sends may overlap; within one, order is kept.
      await Promise.all(
        [...byPartition].map(([partition, batch]) =>
          producer.send({
            topic,
            acks: -1,
            messages: batch.map((m) => ({
              partition,
              key: m.key,
              value: Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength),
              headers: m.headers ?? {},
            })),
          }),
        ),
      );
    } catch (error) {
      this.partitions.forget(topic);
      this.discard(producer);
      throw explainMissingTopic(error, topic);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const producer = this.producer;
    this.producer = null;
    this.connected = null;
    await producer?.disconnect();
    const admin = this.admin;
    this.admin = null;
    await admin?.then(
      (a) => a.disconnect(),
      () => undefined,
    );
  }

  private connect(): Promise<Producer> {
    this.connected ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // Partitions are chosen here (partitionOfKey); naming the default keeps kafkajs from warning about it.
        createPartitioner: Partitioners.DefaultPartitioner,
        // A few quick retries inside one send; longer outages are the caller's back-off.
        retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 3 },
      });
      this.producer = producer;
      try {
        await producer.connect();
        return producer;
      } catch (error) {
        this.discard(producer);
        throw error;
      }
    })();
    return this.connected;
  }

  private connectAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error: unknown) => {
      this.admin = null;
      throw error;
    });
    return this.admin;
  }

  private discard(producer: Producer): void {
    if (this.producer !== producer) return;
    this.producer = null;
    this.connected = null;
    producer.disconnect().catch(() => undefined);
  }
}
