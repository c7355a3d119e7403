export { openDatabase } from './database.js';
export type { Database, DatabaseOptions } from './database.js';
export type { AccountRecord, CatalogProduct, CatalogSuite, SeatUsageRecord, UserRecord } from './records.js';
export { parseCatalog, readCatalogFile, DEFAULT_CATALOG_PATH } from './catalog-file.js';
export type { CatalogFile } from './catalog-file.js';
export { DEMO_ACCOUNTS } from './seed.js';
export { newId } from './ids.js';
export { LicensingTx } from './licensing-tx.js';
export type { AssignmentRecord, AuditInput, OutboxInput, SubscriptionRecord, IdempotencyHit } from './licensing-tx.js';
