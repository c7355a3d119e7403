/**
 * The ledger's journal entry. Its shape is stored as is by @acme/billing-data-access, which owns
 * the type (data-access libs cannot import feature libs); the domain logic here works on it.
 */
export type { BillingBasis, BillingPeriod, LedgerEntry, LedgerEntryKind } from '@acme/billing-data-access';
