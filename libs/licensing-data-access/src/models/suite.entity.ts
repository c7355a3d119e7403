import { defineEntity, p } from '@mikro-orm/core';
import { FIELD_LIMITS } from '../field-limits.js';

/** A bundle of products (Support Suite, Sales Suite); with parityRequired, its products keep the same seat count. */
export const SuiteSchema = defineEntity({
  name: 'Suite',
  tableName: 'suite',
  properties: {
    id: p.string().length(FIELD_LIMITS.id).primary(),
    name: p.string().length(FIELD_LIMITS.name),
    parityRequired: p.boolean().default(false),
  },
});
export class Suite extends SuiteSchema.class {}
SuiteSchema.setClass(Suite);
