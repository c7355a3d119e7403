import { defineEntity, p } from '@mikro-orm/core';
import { Account } from './account.entity.js';

/**
 * An event written in the same transaction as the change it describes; the relay publishes
 * unpublished rows in (account, sequence) order and stamps publishedAt.
 */
export const OutboxEventSchema = defineEntity({
  name: 'OutboxEvent',
  tableName: 'outbox_event',
  uniques: [{ name: 'outbox_event_account_sequence_uq', properties: ['account', 'sequence'] }],
  indexes: [{ name: 'outbox_event_unpublished_idx', properties: ['publishedAt', 'account', 'sequence'] }],
  properties: {
    id: p.string().length(64).primary(),
    account: () => p.manyToOne(Account),
    sequence: p.integer(),
    eventType: p.string().length(100),
    /** Serialized acme.licensing.events.v1.EventEnvelope. */
    payload: p.blob(),
    occurredAt: p.datetime(),
    publishedAt: p.datetime().nullable(),
  },
});
export class OutboxEvent extends OutboxEventSchema.class {}
OutboxEventSchema.setClass(OutboxEvent);
