import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Migrator } from '@mikro-orm/migrations';
import type { EntitySchema, MigrationObject, MikroORM, Routine } from '@mikro-orm/core';
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import pg, { type Pool } from 'pg';
import { releaseDeadConnections } from './pool-guard.js';

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

/** What a data-access lib brings: its entities, its migrations in order, its default file. */
export interface Schema {
  // MikroORM's own signature takes any entity class or schema.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  entities: (EntitySchema | (abstract new (...args: any[]) => object))[];
  migrations: MigrationObject[];
  /** Stored functions the migrations create (PostgreSQL), so schema checks expect them. */
  routines?: Routine[];
  defaultSqlitePath: string;
}

/** How long a request waits for a PostgreSQL connection (a new one, or a free one of the pool). */
const CONNECT_TIMEOUT_MS = 5_000;

/** `postgres` for PostgreSQL URLs, `libsql` for the embedded file. */
export function dialectOf(options: OrmOptions): 'postgres' | 'libsql' {
  return options.databaseUrl ? 'postgres' : 'libsql';
}

let ormInstances = 0;

export async function createOrm(schema: Schema, options: OrmOptions): Promise<Orm> {
  const common = {
    entities: schema.entities,
    routines: schema.routines ?? [],
    extensions: [Migrator],
    // Migrations are compiled in (a list, not a folder glob) so they run the same under tsx,
    // vitest and a bundled build.
    migrations: {
      migrationsList: schema.migrations,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    debug: options.debug ?? false,
    // Work always forks an EntityManager per unit of work; the global one is never used.
    allowGlobalContext: false,
    // MikroORM finds the running transaction by context name: with the shared default, a unit of
    // work of one ORM started inside another's transaction (the relay handing events to the
    // embedded ledger) joined that transaction on the wrong database.
    contextName: `orm-${++ormInstances}`,
  };
  if (options.databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(options.databaseUrl))
      throw new Error('databaseUrl must start with postgres:// or postgresql://');
    const driverOptions = {
      onPoolCreated: (pool: Pool) => releaseDeadConnections(pool),
      // A database that does not answer fails the call (UNAVAILABLE) instead of queueing it forever.
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
    };
    // Each driver is loaded only when used: either one costs about 45 MB of memory.
    const { MikroORM: PostgresORM } = await import('@mikro-orm/postgresql');
    return (await PostgresORM.init({
      ...common,
      clientUrl: options.databaseUrl,
      pool: { max: options.poolSize ?? 10 },
      driverOptions,
    })) as unknown as Orm;
  }
  const path = options.sqlitePath ?? schema.defaultSqlitePath;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const { MikroORM: LibSqlORM } = await import('@mikro-orm/libsql');
  return (await LibSqlORM.init({ ...common, dbName: path })) as unknown as Orm;
}

/**
 * Applies every pending migration (in list order, each in its own transaction) and returns the
 * names it applied. Safe to call at every start, from any number of instances at once: on
 * PostgreSQL they run under an advisory lock held on a connection of its own (outside the pool, so
 * even a pool of one cannot wait on itself); a second instance waits for the first to finish, then
 * finds nothing pending. Found: instances started together on a fresh database raced to create
 * the same types and 4 of 10 exited. A process that dies drops its connection and with it the lock.
 */
export async function migrateUp(orm: Orm): Promise<string[]> {
  const url = orm.config.get('clientUrl');
  if (!url) return (await orm.migrator.up()).map((m) => m.name);
  const lock = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK]);
    return (await orm.migrator.up()).map((m) => m.name);
  } finally {
    await lock.end();
  }
}

/** The advisory lock key's text: one per database, whichever service's schema it holds. */
const MIGRATION_LOCK = 'acme:migrations';
