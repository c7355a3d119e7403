import { defineEntity, p } from '@mikro-orm/core';
import { Account } from './account.entity.js';
import { FIELD_LIMITS } from '../field-limits.js';
import type { QuoteItemRecord, QuoteLineRecord } from '../records.js';

/**
 * A priced cart (`qt_…`): what a purchase would add and charge, until it is checked out or expires;
 * or, for a caller who buys through sales, the sales orders it became.
 */
export const QuoteSchema = defineEntity({
  name: 'Quote',
  tableName: 'quote',
  properties: {
    id: p.string().length(FIELD_LIMITS.id).primary(),
    account: () => p.manyToOne(Account),
    /** What was asked: a product or a suite, and how many seats. */
    items: p.json<QuoteItemRecord[]>(),
    /** Every product the purchase changes, with its rate, basis and prorated charge. */
    lines: p.json<QuoteLineRecord[]>(),
    totalMinor: p.bigint('number'),
    currency: p.string().length(3),
    state: p.enum(['open', 'checked_out', 'sent_to_sales'] as const),
    /** The sales orders a quote became when the account buys through sales. */
    salesOrderIds: p.json<string[]>(),
    createdBy: p.string().length(FIELD_LIMITS.actor),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
    checkedOutAt: p.datetime().nullable(),
  },
});
export class Quote extends QuoteSchema.class {}
QuoteSchema.setClass(Quote);
