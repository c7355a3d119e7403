/**
 * Lost PostgreSQL connections, against the real server: they are recognised as such (and only
 * they), and the pool recovers from connections killed in the middle of a transaction instead of
 * leaking their slots until every query waits forever.
 */
import { createServer, type Server } from 'node:net';
import { EntitySchema } from '@mikro-orm/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestDatabase, eventually, withPostgresDatabase } from '@acme/testing';
import { isConnectionLost } from './connection-loss.js';
import { createOrm, type Orm } from './orm.js';

const fixture = await withPostgresDatabase('connloss');
// MikroORM refuses to start without an entity; this one is never used.
const schema = {
  entities: [new EntitySchema({ name: 'Unused', properties: { id: { type: 'number', primary: true } } })],
  migrations: [],
  defaultSqlitePath: ':memory:',
};
let orm: Orm;
beforeAll(async () => {
  if (!fixture.skip) orm = await createOrm(schema, { databaseUrl: fixture.url, poolSize: 2 });
});
afterAll(async () => {
  await orm?.close(true);
});

/** Terminates every session of the test database (two statements: see faults/connection-killer.ts). */
async function killSessions(): Promise<number> {
  const admin = new pg.Client({ connectionString: fixture.url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    await admin.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [rows.map((r) => r.pid)]);
    return rows.length;
  } finally {
    await admin.end();
  }
}

/** The error of opening `url` and running one statement (MikroORM may connect at start or at first use). */
async function firstQueryError(url: string): Promise<unknown> {
  try {
    const other = await createOrm(schema, { databaseUrl: url });
    try {
      await other.em.fork().execute('select 1');
      return null;
    } finally {
      await other.close(true);
    }
  } catch (error) {
    return error;
  }
}

const sleepInTransaction = (seconds: number) =>
  orm.em.fork().transactional((em) => em.execute(`select pg_sleep(${seconds})`));

/** Sessions of the test database, other than the asking one, running pg_sleep inside a transaction. */
async function sleepingInTransaction(): Promise<number> {
  const admin = new pg.Client({ connectionString: fixture.url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ n: string }>(
      'select count(*) as n from pg_stat_activity where datname = current_database() and pid <> ' +
        "pg_backend_pid() and state = 'active' and xact_start is not null and query like '%pg_sleep%'",
    );
    return Number(rows[0]!.n);
  } finally {
    await admin.end();
  }
}

describe.skipIf(fixture.skip)('lost PostgreSQL connections', () => {
  it('are given back to the pool when killed mid-transaction, so later transactions still get one', async () => {
    for (let round = 0; round < 3; round++) {
      // Both pool slots are inside a transaction when their sessions die: they sleep far longer
      // than the test waits for them to start, so the kill always finds them there.
      const doomed = [sleepInTransaction(300), sleepInTransaction(300)].map((p) =>
        p.then(
          () => 'committed',
          (e: unknown) => e,
        ),
      );
      await eventually(async () => (await sleepingInTransaction()) === 2, {
        what: 'both pooled sessions sleeping inside a transaction',
      });
      expect(await killSessions()).toBeGreaterThanOrEqual(2);
      for (const outcome of await Promise.all(doomed)) expect(isConnectionLost(outcome), String(outcome)).toBe(true);
    }
    // Before the fix, the pool's two slots were gone after the first round: these waited for a
    // free connection until the pool's connect timeout and failed. Now each gets one and commits.
    await expect(
      Promise.all([sleepInTransaction(0), sleepInTransaction(0), sleepInTransaction(0)]),
    ).resolves.toHaveLength(3);
  });

  it('recognises a refused connection and a silent server as lost, and a refused statement as not', async () => {
    expect(isConnectionLost(await firstQueryError('postgres://postgres@127.0.0.1:1/none'))).toBe(true);

    const statement = await orm.em
      .fork()
      .execute('select * from no_such_table')
      .catch((e: unknown) => e);
    expect(isConnectionLost(statement)).toBe(false);
    const division = await orm.em
      .fork()
      .execute('select 1/0')
      .catch((e: unknown) => e);
    expect(isConnectionLost(division)).toBe(false);
    expect(isConnectionLost(new Error('something else'))).toBe(false);
  });

  it("recognises a database closed to new sessions as unreachable, and a statement refused for an object's state as not", async () => {
    const open = await closeTestDatabase(fixture.url);
    try {
      expect(isConnectionLost(await firstQueryError(fixture.url))).toBe(true);
    } finally {
      await open();
    }
    // SQLSTATE 55000 too, but an ERROR of one statement on a healthy session.
    const stateError = await orm.em
      .fork()
      .execute('select lastval()')
      .catch((e: unknown) => e);
    expect((stateError as { code?: string }).code).toBe('55000');
    expect(isConnectionLost(stateError)).toBe(false);
  });

  it('gives up on a server that accepts but never answers after the connect timeout', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    // Without the connect timeout this would wait forever (the test's own timeout would end it).
    const error = await firstQueryError(`postgres://postgres@127.0.0.1:${port}/none`);
    silent.close();
    expect(isConnectionLost(error), String(error)).toBe(true);
    expect(String(error)).toMatch(/timeout/i);
  });
});
