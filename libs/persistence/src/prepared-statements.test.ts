/**
 * Marked statements run prepared on every pooled PostgreSQL connection (parsed and planned once
 * per connection), unmarked ones do not, and a connection that was lost prepares them again.
 */
import { EntitySchema } from '@mikro-orm/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, withPostgresDatabase } from '@acme/testing';
import { executeBound } from './bound-query.js';
import { createOrm, type Orm } from './orm.js';
import { preparedStatement } from './prepared-statements.js';

const fixture = await withPostgresDatabase('prepared');
const schema = { entities: [new EntitySchema({ name: 'Unused', properties: { id: { type: 'number', primary: true } } })], migrations: [], defaultSqlitePath: ':memory:' };
const MARKED = preparedStatement('select $1::int + 1 as n, (select count(*) from pg_prepared_statements) as prepared');
const UNMARKED = 'select $1::int + 2 as n, (select count(*) from pg_prepared_statements) as prepared';
let orm: Orm;
beforeAll(async () => {
  if (!fixture.skip) orm = await createOrm(schema, { databaseUrl: fixture.url, poolSize: 1 });
});
afterAll(async () => {
  await orm?.close(true);
});

const run = async (sql: string, n: number) => (await executeBound<{ n: number; prepared: string }>(orm.em.fork(), sql, [n]))[0]!;

describe.skipIf(fixture.skip)('preparedStatement', () => {
  it('runs a marked statement prepared, with its parameters, and leaves other statements unnamed', async () => {
    expect(await run(UNMARKED, 1)).toEqual({ n: 3, prepared: '0' });
    expect(await run(MARKED, 1)).toEqual({ n: 2, prepared: '1' });
    expect(await run(MARKED, 41)).toEqual({ n: 42, prepared: '1' });
    expect(await run(UNMARKED, 1)).toEqual({ n: 3, prepared: '1' });
  });

  it('prepares again on the connection that replaces a lost one', async () => {
    const admin = new pg.Client({ connectionString: fixture.url });
    await admin.connect();
    // Two statements: in one, the planner may terminate before filtering by database (connection-loss.test.ts).
    const { rows } = await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    const pids = rows.map((r) => r.pid);
    await admin.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [pids]);
    // Gone from the server means its goodbye is in the pool's socket; one turn of the event loop
    // later the pool has read it and dropped the connection. A statement sent sooner could take the
    // dying connection, fail, and hand it back to the pool before its socket closed.
    const alive = async () => Number((await admin.query<{ n: string }>('select count(*) as n from pg_stat_activity where pid = any($1::int[])', [pids])).rows[0]!.n);
    await eventually(async () => (await alive()) === 0, { what: 'the terminated sessions to end' });
    await admin.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await run(MARKED, 1)).toEqual({ n: 2, prepared: '1' });
  });

  it('returns the text unchanged', () => {
    expect(preparedStatement('select 1')).toBe('select 1');
  });
});
