export { createTestPostgres, postgresUnavailableReason, skipWithoutPostgres, TEST_POSTGRES_URL } from './postgres.js';
export type { TestDatabase } from './postgres.js';
export { withPostgresDatabase } from './with-postgres.js';
export type { PostgresFixture } from './with-postgres.js';
export { tempSqlitePath } from './temp.js';
export { licenseAssignedEvent, licenseEventMessages } from './license-events.js';
export type { EventFixture } from './license-events.js';
export { eventually } from './eventually.js';
