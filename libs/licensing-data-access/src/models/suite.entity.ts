import { defineEntity, p } from '@mikro-orm/core';
import { FIELD_LIMITS } from '../field-limits.js';

/** Products that must keep the same seat count (Support Suite, Sales Suite). */
export const SuiteSchema = defineEntity({
  name: 'Suite',
  tableName: 'suite',
  properties: {
    id: p.string().length(FIELD_LIMITS.id).primary(),
    name: p.string().length(FIELD_LIMITS.name),
  },
});
export class Suite extends SuiteSchema.class {}
SuiteSchema.setClass(Suite);
