import { defineEntity, p } from '@mikro-orm/core';
import { ProcessedEvent } from './processed-event.entity.js';
import { LEDGER_ENTRY_KINDS } from '../ledger-entry-record.js';

/**
 * An immutable journal entry of the billing ledger (see @acme/billing's LedgerEntry). The
 * database refuses updates and deletes (triggers in the migration): corrections are new entries.
 */
export const LedgerEntrySchema = defineEntity({
  name: 'LedgerEntry',
  tableName: 'ledger_entry',
  indexes: [
    { name: 'ledger_entry_account_time_idx', properties: ['accountId', 'effectiveAt'] },
    { name: 'ledger_entry_event_idx', properties: ['event'] },
  ],
  properties: {
    id: p.string().length(200).primary(),
    event: () => p.manyToOne(ProcessedEvent).fieldName('event_id'),
    accountId: p.string().length(64),
    sequence: p.integer(),
    kind: p.enum(LEDGER_ENTRY_KINDS),
    productId: p.string().length(64),
    userId: p.string().length(64).nullable(),
    assignmentId: p.string().length(64).nullable(),
    quantity: p.integer(),
    unitPriceMinor: p.bigint('number').nullable(),
    currency: p.string().length(3).nullable(),
    billingPeriod: p.enum(['month', 'year'] as const).nullable(),
    billingBasis: p.enum(['purchased_seats', 'contact_center_member'] as const).nullable(),
    effectiveAt: p.datetime(),
    reason: p.string().length(50),
  },
});
export class LedgerEntry extends LedgerEntrySchema.class {}
LedgerEntrySchema.setClass(LedgerEntry);
