import { EVENT_TYPE_BY_CASE, events, type EventPayloadCase } from '@acme/contracts';
import { quote, type EventProblems } from './event-problems.js';

/** The outbox's and the ledger's sequence columns are 32-bit integers. */
const MAX_SEQUENCE = 2n ** 31n - 1n;
/** A dotted lower-case name, like every type of EVENT_TYPE_BY_CASE, at most the outbox column's 100 characters. */
const EVENT_TYPE_NAME = /^(?=.{1,100}$)[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

const CASE_BY_EVENT_TYPE = new Map<string, EventPayloadCase>(
  Object.entries(EVENT_TYPE_BY_CASE).map(([payloadCase, type]) => [type, payloadCase as EventPayloadCase]),
);

/** The proto field name of a payload case (`licenseAssigned` -> `license_assigned`), for reasons. */
export function payloadFieldName(payloadCase: EventPayloadCase): string {
  return events.EventEnvelopeSchema.fields.find((f) => f.localName === payloadCase)?.name ?? payloadCase;
}

/** Identity and ordering: what the consumer needs to de-duplicate and order an event at all. */
export function checkEnvelope(
  envelope: events.EventEnvelope,
  key: string | undefined,
  problems: EventProblems,
): Date | undefined {
  if (envelope.eventId === '') problems.add('missing event_id');
  else problems.idFits('event_id', envelope.eventId);
  if (envelope.accountId === '') problems.add('missing account_id');
  // The account id is the Kafka key, so that one account's events stay in order on one partition.
  else if (key !== undefined && key !== envelope.accountId) {
    problems.add(`kafka key ${quote(key)} does not match account_id ${quote(envelope.accountId)}`);
  } else problems.idFits('account_id', envelope.accountId);
  if (envelope.sequence < 1n) problems.add(`sequence: expected >= 1, got ${envelope.sequence}`);
  else if (envelope.sequence > MAX_SEQUENCE)
    problems.add(`sequence: expected at most ${MAX_SEQUENCE}, got ${envelope.sequence}`);
  // The cause is kept with the event (ExplainCharge shows it): it must fit the ledger's columns.
  problems.textFits('causation_id', envelope.causationId, MAX_CAUSE_LENGTH);
  if (envelope.actor) problems.textFits('actor.subject', envelope.actor.subject, MAX_CAUSE_LENGTH);
  return problems.time('occur_time', envelope.occurTime);
}

/** The ledger's causation id and actor subject columns (a request id is at most 128 characters). */
const MAX_CAUSE_LENGTH = 200;

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
    problems.add(
      payloadCase ? `missing event_type (payload case "${payloadCase}")` : 'missing event_type; missing payload',
    );
  } else if (expectedCase === undefined) {
    // Only a well-formed name can be a newer producer's type; anything else is a broken event
    // (and would otherwise become a label of billing_events_unknown_type_total).
    if (!EVENT_TYPE_NAME.test(eventType))
      problems.add(`event_type: expected a dotted lower-case name of at most 100 characters, got ${quote(eventType)}`);
    else if (payloadCase === undefined) return 'unknown';
    else problems.add(`unknown event_type "${eventType}" with known payload case "${payloadCase}"`);
  } else if (payloadCase === undefined) {
    problems.add(`event_type "${eventType}" has no payload (expected payload case "${expectedCase}")`);
  } else if (payloadCase !== expectedCase) {
    problems.add(`event_type "${eventType}" does not match payload case "${payloadCase}"`);
  }
  return 'known';
}
