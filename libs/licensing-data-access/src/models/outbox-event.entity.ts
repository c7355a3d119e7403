import { defineEntity, p } from '@mikro-orm/core';
import { Account } from './account.entity.js';
import { FIELD_LIMITS } from '../field-limits.js';

/**
 * An event written in the same transaction as the change it describes; the relay publishes
 * unpublished rows in (account, sequence) order and stamps publishedAt. `relayShard` is fixed by
 * the account id (see `relay-shard.ts`): relay instances divide the shards between them, and
 * since all of an account's events share one shard, only one instance ever relays an account at
 * a time, which keeps its events in order on the topic.
 */
export const OutboxEventSchema = defineEntity({
  name: 'OutboxEvent',
  tableName: 'outbox_event',
  uniques: [{ name: 'outbox_event_account_sequence_uq', properties: ['account', 'sequence'] }],
  indexes: [{ name: 'outbox_event_unpublished_idx', properties: ['publishedAt', 'relayShard', 'account', 'sequence'] }],
  properties: {
    id: p.string().length(FIELD_LIMITS.id).primary(),
    account: () => p.manyToOne(Account),
    sequence: p.integer(),
    relayShard: p.smallint(),
    eventType: p.string().length(100),
    /** Serialized acme.licensing.events.v1.EventEnvelope. */
    payload: p.blob(),
    occurredAt: p.datetime(),
    publishedAt: p.datetime().nullable(),
    /** W3C traceparent of the call that wrote it: the relay and the consumer continue that trace. */
    traceParent: p.string().length(55).nullable(),
  },
});
export class OutboxEvent extends OutboxEventSchema.class {}
OutboxEventSchema.setClass(OutboxEvent);
