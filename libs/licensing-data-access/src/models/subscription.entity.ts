import { defineEntity, p } from '@mikro-orm/core';
import { Account } from './account.entity.js';
import { Product } from './product.entity.js';
import { FIELD_LIMITS } from '../field-limits.js';

/**
 * Seats of one product in one account (`sub_…`). `assignedSeats` is a counter kept in the same
 * transaction as the assignments, so seat checks are a guarded update of one row.
 */
export const SubscriptionSchema = defineEntity({
  name: 'Subscription',
  tableName: 'subscription',
  uniques: [{ name: 'subscription_account_product_uq', properties: ['account', 'product'] }],
  properties: {
    id: p.string().length(FIELD_LIMITS.id).primary(),
    account: () => p.manyToOne(Account),
    product: () => p.manyToOne(Product),
    purchasedSeats: p.integer(),
    assignedSeats: p.integer().default(0),
    unitPriceMinor: p.integer(),
    currency: p.string().length(3),
    /** The highest seat-usage threshold (percent) whose notice stands: triggered and not yet resolved; 0: none. */
    seatNoticePercent: p.integer().default(0),
  },
});
export class Subscription extends SubscriptionSchema.class {}
SubscriptionSchema.setClass(Subscription);
