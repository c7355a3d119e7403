import { defineEntity, p } from '@mikro-orm/core';
import { Account } from './account.entity.js';
import { Product } from './product.entity.js';
import { FIELD_LIMITS } from '../field-limits.js';

/** Seats asked from sales (`so_…`): pending until a back-office identity completes it, or someone cancels it. */
export const SalesOrderSchema = defineEntity({
  name: 'SalesOrder',
  tableName: 'sales_order',
  indexes: [{ name: 'sales_order_account_state_idx', properties: ['account', 'state'] }],
  properties: {
    id: p.string().length(FIELD_LIMITS.id).primary(),
    account: () => p.manyToOne(Account),
    product: () => p.manyToOne(Product),
    quantity: p.integer(),
    state: p.enum(['pending', 'completed', 'cancelled'] as const),
    note: p.string().length(FIELD_LIMITS.note),
    requestedBy: p.string().length(FIELD_LIMITS.actor),
    createdAt: p.datetime(),
    completedAt: p.datetime().nullable(),
    completedBy: p.string().length(FIELD_LIMITS.actor).nullable(),
    cancelledAt: p.datetime().nullable(),
    cancelledBy: p.string().length(FIELD_LIMITS.actor).nullable(),
  },
});
export class SalesOrder extends SalesOrderSchema.class {}
SalesOrderSchema.setClass(SalesOrder);
