import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MikroORM as LibSqlORM } from '@mikro-orm/libsql';
import { MikroORM as PostgresORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { MikroORM } from '@mikro-orm/core';
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { ENTITIES } from './models/index.js';
import { MIGRATIONS } from './migrations/index.js';

/** Either driver's ORM, seen through what both share (SQL entity manager, schema, migrator). */
export type Orm = MikroORM<AbstractSqlDriver, SqlEntityManager<AbstractSqlDriver>>;

export interface OrmOptions {
  /** `postgres://…`: PostgreSQL. Unset: the embedded libsql file at `sqlitePath`. */
  databaseUrl?: string;
  sqlitePath?: string;
  debug?: boolean;
  /** Connection pool size for PostgreSQL. */
  poolSize?: number;
}

const common = (options: OrmOptions) => ({
  entities: ENTITIES,
  extensions: [Migrator],
  // Migrations are compiled in (a list, not a folder glob) so they run the same under tsx,
  // vitest and a bundled build.
  migrations: { migrationsList: MIGRATIONS, transactional: true, allOrNothing: true, snapshot: false, silent: true },
  debug: options.debug ?? false,
  // Handlers always fork an EntityManager per unit of work; the global one is never used.
  allowGlobalContext: false,
});

export async function createOrm(options: OrmOptions): Promise<Orm> {
  if (options.databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(options.databaseUrl)) throw new Error('databaseUrl must start with postgres:// or postgresql://');
    return (await PostgresORM.init({ ...common(options), clientUrl: options.databaseUrl, pool: { max: options.poolSize ?? 10 } })) as unknown as Orm;
  }
  const path = options.sqlitePath ?? 'data/licensing.db';
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  return (await LibSqlORM.init({ ...common(options), dbName: path })) as unknown as Orm;
}

/**
 * Applies every pending migration of `src/migrations/` (in `MIGRATIONS` order, each in its own
 * transaction, all or nothing) and returns the names it applied. Safe to call at every start.
 */
export async function migrateUp(orm: Orm): Promise<string[]> {
  return (await orm.migrator.up()).map((m) => m.name);
}
