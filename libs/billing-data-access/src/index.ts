export { openLedgerDatabase } from './ledger-database.js';
export type { LedgerDatabase, EventRecord, EventSource, ProcessedEventRecord, RecordResult } from './ledger-database.js';
export type { LedgerEntry, LedgerEntryKind, BillingPeriod } from './ledger-entry-record.js';
export type { OrmOptions as LedgerDatabaseOptions } from '@acme/persistence';
