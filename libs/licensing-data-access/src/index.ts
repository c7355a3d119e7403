export { openDatabase } from './database.js';
export type { Database } from './database.js';
export type {
  AccountHoldingsRecord,
  AccountRecord,
  AssignmentRecord,
  AuditInput,
  AuditRecord,
  BillableStateRecord,
  BillingBasis,
  CatalogProduct,
  CatalogSuite,
  MembershipRecord,
  PhoneConfigurationRecord,
  PhoneSettings,
  OutboxInput,
  QueueRecord,
  QuoteItemRecord,
  QuoteLineRecord,
  QuoteRecord,
  SalesOrderRecord,
  SeatUsageRecord,
  SubscriptionRecord,
  UserRecord,
} from './records.js';
export type { LicenseBook } from './license-book.js';
export { newId } from './ids.js';
export type { DecisionLogRecord, DecisionLogInsert, DecisionFilter } from './decision-log.js';
export { DEMO_ACCOUNTS, DEMO_ACCOUNT_IDS, DEMO_EPOCH } from './demo-accounts.js';
export type { DemoAccount } from './demo-accounts.js';
export { FIELD_LIMITS } from './field-limits.js';
export { relayShardOf } from './relay-shard.js';
export type { PendingOutboxEvent } from './outbox-relay-store.js';
export type { ChangeFeed } from './change-feed.js';
export type { EntitlementSnapshotRecord } from './entitlement-snapshot.js';
