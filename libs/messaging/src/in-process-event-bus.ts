import type { BatchHandler, EventConsumer, EventMessage, EventPublisher } from './event-bus.js';

/**
 * Embedded delivery for the single-process default (no KAFKA_BROKERS): publish hands the messages
 * to every consumer of the topic as one batch and resolves only after they all handled it, so a
 * publish that resolves has been processed (the same contract as "acknowledged" for Kafka plus a
 * consumer that already committed). A handler failure rejects the publish; the outbox keeps the
 * rows and retries, exactly as with a broker that refused the batch.
 */
export class InProcessEventBus implements EventPublisher, EventConsumer {
  private readonly handlers = new Map<string, BatchHandler[]>();
  /** Next offset per topic, so consumers see the same numbering Kafka would give them. */
  private readonly offsets = new Map<string, bigint>();
  private closed = false;

  async publish(topic: string, messages: EventMessage[]): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
    if (messages.length === 0) return;
    let next = this.offsets.get(topic) ?? 0n;
    const batch = messages.map((message) => ({ ...message, topic, partition: 0, offset: String(next++) }));
    this.offsets.set(topic, next);
    for (const handler of this.handlers.get(topic) ?? []) await handler(batch);
  }

  async consume(topic: string, handler: BatchHandler): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }

  async stop(): Promise<void> {
    this.handlers.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
  }
}
