export { openLedgerDatabase } from './ledger-database.js';
export type { LedgerDatabase, EventRecord, EventSource, ProcessedEventRecord } from './ledger-database.js';
export type { LedgerEntry, LedgerEntryKind, BillingPeriod } from './ledger-entry-record.js';
