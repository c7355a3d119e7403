import type { ConsumedMessage } from '@acme/messaging';
import {
  contextFromHeaders,
  contextWith,
  failSpan,
  SpanKind,
  startSpan,
  type Attributes,
  type Span,
} from '@acme/telemetry';

/** The spans of one handled chunk: one per message that came with a trace. */
export interface ChunkSpans {
  /** The ledger transaction that recorded these messages' events ran from `startTime` until now. */
  ledgerWritten(written: { message: ConsumedMessage; attributes: Attributes }[], startTime: number): void;
  /** Ends every message's span: failed with `error` when the chunk was not handled. */
  end(error?: unknown): void;
}

/**
 * Continues the trace of each message that carries a W3C traceparent (the licensing call that
 * caused its event, through the outbox publish): a consumer span per message, and under it the
 * ledger write. The chunk's events share one transaction, so each message's `ledger.write` span
 * covers that transaction and says how many events it held.
 */
export function startChunkSpans(messages: ConsumedMessage[]): ChunkSpans {
  const spans = new Map<ConsumedMessage, Span>();
  for (const message of messages) {
    const traceparent = message.headers?.traceparent;
    if (!traceparent) continue;
    spans.set(
      message,
      startSpan(`process ${message.topic}`, {
        kind: SpanKind.CONSUMER,
        parent: contextFromHeaders((name) => message.headers?.[name]),
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': message.topic,
          'messaging.destination.partition.id': String(message.partition),
          'messaging.kafka.offset': Number(message.offset),
          'messaging.message.id': message.headers?.['event-id'] ?? '',
          'messaging.batch.message_count': messages.length,
        },
      }),
    );
  }
  return {
    ledgerWritten: (written, startTime) => {
      for (const { message, attributes } of written) {
        const parent = spans.get(message);
        if (!parent) continue;
        startSpan('ledger.write', {
          parent: contextWith(parent),
          startTime,
          attributes: { ...attributes, 'acme.ledger.transaction_events': written.length },
        }).end();
      }
    },
    end: (error) => {
      for (const span of spans.values()) {
        if (error !== undefined) failSpan(span, error);
        span.end();
      }
    },
  };
}
