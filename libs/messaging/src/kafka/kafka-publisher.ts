import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { EventMessage, EventPublisher } from '../event-bus.js';

/**
 * Publishes through an idempotent kafkajs producer with one request in flight, so the client's
 * own retries can neither duplicate nor reorder messages of one partition (one account's events
 * stay in sequence). acks=all: a resolved publish survives the loss of a broker. Connects on first
 * use, so a service starts while the brokers are down and publishes once they return.
 *
 * A send that fails after the client's retries rejects, and the caller sends the same messages
 * again later: some of them may already be on the topic (a batch spans brokers), so delivery is
 * at least once and consumers de-duplicate. The failed producer is discarded, because its
 * idempotence sequence state is unknown after the failure; the next publish starts a fresh one.
 */
export class KafkaPublisher implements EventPublisher {
  private producer: Producer | null = null;
  private connected: Promise<Producer> | null = null;
  private closed = false;

  constructor(private readonly kafka: Kafka) {}

  async publish(topic: string, messages: EventMessage[]): Promise<void> {
    if (this.closed) throw new Error('publisher is closed');
    if (messages.length === 0) return;
    const producer = await this.connect();
    try {
      await producer.send({
        topic,
        acks: -1,
        messages: messages.map((m) => ({ key: m.key, value: Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength), headers: m.headers ?? {} })),
      });
    } catch (error) {
      this.discard(producer);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const producer = this.producer;
    this.producer = null;
    this.connected = null;
    await producer?.disconnect();
  }

  private connect(): Promise<Producer> {
    this.connected ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // Java-compatible murmur2 partitioning: other clients put the same key on the same partition.
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

  private discard(producer: Producer): void {
    if (this.producer !== producer) return;
    this.producer = null;
    this.connected = null;
    producer.disconnect().catch(() => undefined);
  }
}
