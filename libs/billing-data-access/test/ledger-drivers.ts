import { afterAll } from 'vitest';
import type { OrmOptions } from '@acme/persistence';
import { tempSqlitePath, withPostgresDatabase } from '@acme/testing';

/**
 * The two drivers a ledger test runs on, for `describe.each`: [name, options, skip]. libsql in a
 * temporary file, PostgreSQL in a database of the test file's own (`prefix`), skipped without a
 * server outside CI. Call it at the top of the file: it registers the clean-up hooks.
 */
export async function ledgerDrivers(prefix: string) {
  const pg = await withPostgresDatabase(prefix);
  const sqlite = tempSqlitePath();
  afterAll(() => sqlite.remove());
  return [
    ['libsql', (): OrmOptions => ({ sqlitePath: sqlite.path }), false],
    ['postgresql', (): OrmOptions => ({ databaseUrl: pg.url, poolSize: 6 }), pg.skip],
  ] as const;
}
