import { fromBinary } from '@bufbuild/protobuf';
import { events as contracts } from '@acme/contracts';
import type { PendingOutboxEvent } from '@acme/licensing-data-access';

/** At most this many events are named in one log line; `count` says how many the batch had. */
const NAMED_EVENTS = 20;

export interface BatchLogFields {
  count: number;
  /** Each event with the causation id of its envelope: the request id of the call that made it. */
  events: { eventId: string; eventType: string; accountId: string; sequence: number; causationId?: string }[];
}

/** Log fields for a relayed batch, so a log reader can follow a request to the events it caused. */
export function batchLogFields(batch: PendingOutboxEvent[]): BatchLogFields {
  return {
    count: batch.length,
    events: batch.slice(0, NAMED_EVENTS).map((e) => {
      const causationId = causationOf(e.payload);
      return {
        eventId: e.id,
        eventType: e.eventType,
        accountId: e.accountId,
        sequence: e.sequence,
        ...(causationId ? { causationId } : {}),
      };
    }),
  };
}

function causationOf(payload: Uint8Array): string | undefined {
  try {
    return fromBinary(contracts.EventEnvelopeSchema, payload).causationId || undefined;
  } catch {
    return undefined; // a payload that does not decode is the consumer's to dead-letter, not the log's
  }
}
