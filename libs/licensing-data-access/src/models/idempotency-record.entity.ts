import { defineEntity, p } from '@mikro-orm/core';
import { FIELD_LIMITS } from '../field-limits.js';

/**
 * The first response to an idempotency key (`<account>:<key>`), with a hash of the request it
 * answered: the same key and request replays the response; a different request is refused.
 */
export const IdempotencyRecordSchema = defineEntity({
  name: 'IdempotencyRecord',
  tableName: 'idempotency_record',
  properties: {
    id: p.string().length(FIELD_LIMITS.idempotencyRecordId).primary(),
    method: p.string().length(100),
    requestHash: p.string().length(FIELD_LIMITS.id),
    response: p.blob(),
    createdAt: p.datetime(),
  },
});
export class IdempotencyRecord extends IdempotencyRecordSchema.class {}
IdempotencyRecordSchema.setClass(IdempotencyRecord);
