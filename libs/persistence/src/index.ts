export { createOrm, dialectOf, migrateUp } from './orm.js';
export type { Orm, OrmOptions, Schema } from './orm.js';
export { isPostgres } from './platform.js';
export { databaseUnavailable, isConnectionLost, readRetryingLostConnections } from './connection-loss.js';
export { commitOutcome } from './commit-outcome.js';
export { executeBound } from './bound-query.js';
