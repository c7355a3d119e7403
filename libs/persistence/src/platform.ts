import type { Migration } from '@mikro-orm/migrations';

/**
 * Migrations hold DDL per platform; this says which one a migration is running on. By the
 * platform's class name, so that a libsql-only process never loads the PostgreSQL driver.
 */
export function isPostgres(migration: Migration): boolean {
  const platform = (migration as unknown as { driver: { getPlatform(): object } }).driver.getPlatform();
  return platform.constructor.name === 'PostgreSqlPlatform';
}
