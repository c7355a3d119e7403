import type { Migration } from '@mikro-orm/migrations';
import { PostgreSqlPlatform } from '@mikro-orm/postgresql';

/** Migrations hold DDL per platform; this says which one a migration is running on. */
export function isPostgres(migration: Migration): boolean {
  return (migration as unknown as { driver: { getPlatform(): unknown } }).driver.getPlatform() instanceof PostgreSqlPlatform;
}
