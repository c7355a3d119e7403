/** Fresh, empty databases of each kind, for tests that migrate step by step (a migration's backfill). */
import { createTestPostgres, skipWithoutPostgres, tempSqlitePath } from '@acme/testing';
import type { OrmOptions } from '../src/orm.js';

/** [name, make one, skip]: each call makes a new empty database and says how to drop it. */
export const FRESH_DATABASES = [
  [
    'libsql',
    async () => {
      const file = tempSqlitePath();
      return { options: { sqlitePath: file.path } as OrmOptions, drop: async () => file.remove() };
    },
    false,
  ],
  [
    'postgresql',
    async () => {
      const database = await createTestPostgres('freshmig');
      return { options: { databaseUrl: database.url } as OrmOptions, drop: database.drop };
    },
    await skipWithoutPostgres(),
  ],
] as const;
