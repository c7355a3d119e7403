import { defineEntity, p } from '@mikro-orm/core';
import { Account } from './account.entity.js';
import { FIELD_LIMITS } from '../field-limits.js';

/** A contact-center queue (`q_…`): call, inbound or outbound. */
export const QueueSchema = defineEntity({
  name: 'Queue',
  tableName: 'cc_queue',
  uniques: [{ name: 'cc_queue_account_kind_name_uq', properties: ['account', 'kind', 'name'] }],
  properties: {
    id: p.string().length(FIELD_LIMITS.id).primary(),
    account: () => p.manyToOne(Account),
    kind: p.enum(['call', 'inbound', 'outbound'] as const),
    name: p.string().length(FIELD_LIMITS.name),
    createdAt: p.datetime(),
  },
});
export class Queue extends QueueSchema.class {}
QueueSchema.setClass(Queue);
