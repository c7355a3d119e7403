export { openLedgerDatabase } from './ledger-database.js';
export type { LedgerDatabase, EventCause, EventRecord, EventSource, ProcessedEventRecord } from './ledger-database.js';
export { LEDGER_ENTRY_KINDS } from './ledger-entry-record.js';
export type { BillingBasis, BillingPeriod, LedgerEntry, LedgerEntryKind } from './ledger-entry-record.js';
export type { EntryCursor, LedgerPosition } from './ledger-queries.js';
