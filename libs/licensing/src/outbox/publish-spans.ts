import type { PendingOutboxEvent } from '@acme/licensing-data-access';
import type { EventMessage } from '@acme/messaging';
import { contextFromHeaders, failSpan, SpanKind, startSpan, traceparentOf, type Span } from '@acme/telemetry';

/** A batch's messages, each with the span of its publish when its event came from a traced call. */
export interface TracedBatch {
  messages: EventMessage[];
  /** Ends every publish span: failed with `error` when the publish was refused. */
  end(error?: unknown): void;
}

/**
 * The Kafka messages of outbox events. An event written by a traced call gets a producer span,
 * child of that call's span (its traceparent was stored with the event), and the message carries
 * the producer span's traceparent in its headers, so the consumer continues the same trace. With
 * tracing off here the stored traceparent still goes on: the trace is not broken by this hop.
 */
export function tracedMessages(topic: string, events: PendingOutboxEvent[]): TracedBatch {
  const spans: Span[] = [];
  const messages = events.map((event): EventMessage => {
    const headers: Record<string, string> = {
      'event-id': event.id,
      'event-type': event.eventType,
      sequence: String(event.sequence),
    };
    const stored = event.traceParent;
    if (stored) {
      const span = startSpan(`send ${topic}`, {
        kind: SpanKind.PRODUCER,
        parent: contextFromHeaders((name) => (name === 'traceparent' ? stored : undefined)),
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.destination.name': topic,
          'messaging.message.id': event.id,
          'messaging.kafka.message.key': event.accountId,
          'messaging.batch.message_count': events.length,
          'acme.event_type': event.eventType,
          'acme.event_sequence': event.sequence,
        },
      });
      spans.push(span);
      headers.traceparent = traceparentOf(span) ?? stored;
    }
    return { key: event.accountId, value: event.payload, headers };
  });
  return {
    messages,
    end: (error) => {
      for (const span of spans) {
        if (error !== undefined) failSpan(span, error);
        span.end();
      }
    },
  };
}
