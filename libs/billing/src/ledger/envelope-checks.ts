import { EVENT_TYPE_BY_CASE, events, type EventPayloadCase } from '@acme/contracts';
import type { EventProblems } from './event-problems.js';

export const MAX_EVENT_ID_LENGTH = 64;

const CASE_BY_EVENT_TYPE = new Map<string, EventPayloadCase>(
  Object.entries(EVENT_TYPE_BY_CASE).map(([payloadCase, type]) => [type, payloadCase as EventPayloadCase]),
);

/** The proto field name of a payload case (`licenseAssigned` -> `license_assigned`), for reasons. */
export function payloadFieldName(payloadCase: EventPayloadCase): string {
  return events.EventEnvelopeSchema.fields.find((f) => f.localName === payloadCase)?.name ?? payloadCase;
}

/** Identity and ordering: what the consumer needs to de-duplicate and order an event at all. */
export function checkEnvelope(envelope: events.EventEnvelope, key: string | undefined, problems: EventProblems): Date | undefined {
  if (envelope.eventId === '') problems.add('missing event_id');
  else if (envelope.eventId.length > MAX_EVENT_ID_LENGTH) {
    problems.add(`event_id: expected at most ${MAX_EVENT_ID_LENGTH} characters, got ${envelope.eventId.length}`);
  }
  if (envelope.accountId === '') problems.add('missing account_id');
  // The account id is the Kafka key, so that one account's events stay in order on one partition.
  else if (key !== undefined && key !== envelope.accountId) {
    problems.add(`kafka key ${JSON.stringify(key)} does not match account_id ${JSON.stringify(envelope.accountId)}`);
  }
  if (envelope.sequence < 1n) problems.add(`sequence: expected >= 1, got ${envelope.sequence}`);
  else if (envelope.sequence > BigInt(Number.MAX_SAFE_INTEGER)) {
    problems.add(`sequence: expected at most ${Number.MAX_SAFE_INTEGER} (Number.MAX_SAFE_INTEGER), got ${envelope.sequence}`);
  }
  return problems.time('occur_time', envelope.occurTime);
}

/**
 * How event_type and payload case agree. `unknown` means a newer producer's event: a type this
 * decoder does not know AND a payload field it cannot read (no case). Every other disagreement is
 * a broken event.
 */
export function checkEventType(envelope: events.EventEnvelope, problems: EventProblems): 'known' | 'unknown' {
  const { eventType } = envelope;
  const payloadCase = envelope.payload.case;
  const expectedCase = CASE_BY_EVENT_TYPE.get(eventType);
  if (eventType === '') {
    problems.add(payloadCase ? `missing event_type (payload case "${payloadCase}")` : 'missing event_type; missing payload');
  } else if (expectedCase === undefined) {
    if (payloadCase === undefined) return 'unknown';
    problems.add(`unknown event_type "${eventType}" with known payload case "${payloadCase}"`);
  } else if (payloadCase === undefined) {
    problems.add(`event_type "${eventType}" has no payload (expected payload case "${expectedCase}")`);
  } else if (payloadCase !== expectedCase) {
    problems.add(`event_type "${eventType}" does not match payload case "${payloadCase}"`);
  }
  return 'known';
}
