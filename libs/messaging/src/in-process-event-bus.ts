import type { EventHandler, EventMessage, EventPublisher, EventSubscriber } from './event-bus.js';

/**
 * Embedded delivery for the single-process default (no KAFKA_BROKERS): publish hands each message
 * to every subscriber of the topic, in order, and resolves only after they all handled it, so a
 * publish that resolves has been processed (the same contract as "acknowledged" for Kafka plus a
 * consumer that already committed). A handler failure rejects the publish; the outbox keeps the
 * rows and retries, exactly as with a broker that refused the batch.
 */
export class InProcessEventBus implements EventPublisher, EventSubscriber {
  private readonly handlers = new Map<string, EventHandler[]>();
  private closed = false;

  async publish(topic: string, messages: EventMessage[]): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
    const handlers = this.handlers.get(topic) ?? [];
    for (const message of messages) {
      for (const handler of handlers) await handler({ ...message, topic });
    }
  }

  async subscribe(topic: string, handler: EventHandler): Promise<void> {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
  }
}
