import { defineEntity, p } from '@mikro-orm/core';

/**
 * One license event the ledger has taken in, by its unique id: the de-duplication record. It is
 * written in the same transaction as the event's ledger entries, so an event is either fully
 * recorded or not at all, and a redelivered event finds its id here and changes nothing.
 */
export const ProcessedEventSchema = defineEntity({
  name: 'ProcessedEvent',
  tableName: 'processed_event',
  indexes: [
    { name: 'processed_event_account_sequence_idx', properties: ['accountId', 'sequence'] },
    { name: 'processed_event_source_idx', properties: ['topic', 'topicPartition', 'topicOffset'] },
    { name: 'processed_event_causation_idx', properties: ['accountId', 'causationId'] },
  ],
  properties: {
    eventId: p.string().length(64).primary(),
    accountId: p.string().length(64),
    sequence: p.integer(),
    eventType: p.string().length(100),
    /** `entries` (money-relevant) or `no_charge` (known type, nothing to bill). */
    outcome: p.enum(['entries', 'no_charge'] as const),
    /** Where the event was first read from; null when it was handed over in-process. */
    topic: p.string().length(200).nullable(),
    topicPartition: p.integer().nullable(),
    topicOffset: p.bigint('string').nullable(),
    processedAt: p.datetime(),
    /**
     * Why the event happened, as its envelope says: when, the request that caused it (the
     * licensing audit's request id), who, and the rules whose effects made it. Null on events
     * recorded before the ledger kept it.
     */
    occurredAt: p.datetime().nullable(),
    causationId: p.string().length(200).nullable(),
    actorSubject: p.string().length(200).nullable(),
    actorKind: p.enum(['user', 'service', 'system', 'unspecified'] as const).nullable(),
    ruleIds: p.json<string[]>().nullable(),
  },
});
export class ProcessedEvent extends ProcessedEventSchema.class {}
ProcessedEventSchema.setClass(ProcessedEvent);
