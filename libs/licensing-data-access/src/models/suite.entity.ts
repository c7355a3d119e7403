import { defineEntity, p } from '@mikro-orm/core';

/** Products that must keep the same seat count (Support Suite, Sales Suite). */
export const SuiteSchema = defineEntity({
  name: 'Suite',
  tableName: 'suite',
  properties: {
    id: p.string().length(64).primary(),
    name: p.string().length(200),
  },
});
export class Suite extends SuiteSchema.class {}
SuiteSchema.setClass(Suite);
