import { fromBinary } from '@bufbuild/protobuf';
import { events } from '@acme/contracts';
import { LICENSE_EVENTS_TOPIC, type EventMessage, type EventSubscriber } from '@acme/messaging';
import type { Logger } from '@acme/util';

/** What the consumer has seen, by outcome; exposed as metrics later (issue: billing consumer). */
export interface BillingConsumerStats {
  handled: number;
  undecodable: number;
  byType: Record<string, number>;
}

export interface BillingConsumer {
  stats(): BillingConsumerStats;
  stop(): Promise<void>;
}

/**
 * The billing consumer's entry point. It learns about licensing only through events on
 * `license-events` (it never reads licensing tables), whatever carries them: the in-process bus in
 * the embedded stack, Kafka in production. Ledger persistence arrives with the billing issue; this
 * skeleton decodes and counts each event so the wiring is exercised end to end.
 */
export async function startBillingConsumer(options: { subscriber: EventSubscriber; logger: Logger }): Promise<BillingConsumer> {
  const stats: BillingConsumerStats = { handled: 0, undecodable: 0, byType: {} };
  const handle = async (message: EventMessage) => {
    let envelope: events.EventEnvelope;
    try {
      envelope = fromBinary(events.EventEnvelopeSchema, message.value);
    } catch (error) {
      stats.undecodable += 1;
      options.logger.warn({ err: error, key: message.key }, 'undecodable event skipped');
      return;
    }
    stats.handled += 1;
    stats.byType[envelope.eventType] = (stats.byType[envelope.eventType] ?? 0) + 1;
    options.logger.debug({ eventId: envelope.eventId, type: envelope.eventType, account: envelope.accountId }, 'event handled');
  };
  await options.subscriber.subscribe(LICENSE_EVENTS_TOPIC, handle);
  return {
    stats: () => structuredClone(stats),
    stop: () => options.subscriber.close(),
  };
}
