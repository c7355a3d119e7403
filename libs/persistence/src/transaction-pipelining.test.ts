/**
 * A transaction's BEGIN goes out with its first statement, and its COMMIT right behind a
 * committing statement, without waiting for answers in between; what the callers above see
 * (begin, statements, commit or rollback, one at a time) stays as it was. Against the real
 * PostgreSQL, with what reaches each connection recorded.
 */
import { EntitySchema } from '@mikro-orm/core';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withPostgresDatabase } from '@acme/testing';
import { executeBound } from './bound-query.js';
import { createOrm } from './orm.js';
import { committingStatement, pipelineTransactions } from './transaction-pipelining.js';

const fixture = await withPostgresDatabase('pipelining');
const INSERT = 'insert into pipelined (id) values ($1)';
const COMMITTING_INSERT = committingStatement(INSERT);

/** Each query that reached a connection, with how many earlier ones were still unanswered then. */
let wire: string[] = [];
let pool: pg.Pool;
let observer: pg.Client;

beforeAll(async () => {
  if (fixture.skip) return;
  observer = new pg.Client({ connectionString: fixture.url });
  await observer.connect();
  await observer.query('create table pipelined (id int primary key)');
  pool = new pg.Pool({ connectionString: fixture.url, max: 1, pipeline: true } as pg.PoolConfig);
  // Registered first, so it sees what the pipelining below lets through to the connection.
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (text: string, values?: unknown[]) => Promise<unknown>;
    let unanswered = 0;
    (client as unknown as { query: typeof query }).query = (text, values) => {
      wire.push(`${text.split('\n')[0]} (${unanswered} unanswered)`);
      unanswered++;
      const answer = query(text, values);
      void answer.then(() => unanswered--, () => unanswered--);
      return answer;
    };
  });
  pipelineTransactions(pool);
});
afterAll(async () => {
  await pool?.end();
  await observer?.end();
});
beforeEach(() => {
  wire = [];
});

/** Runs `work` on a client of the pipelined pool, and gives the client back whatever happens. */
async function onClient(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await work(client);
  } finally {
    client.release();
  }
}

const stored = async (id: number) => (await observer.query('select 1 from pipelined where id = $1', [id])).rowCount;

describe.skipIf(fixture.skip)('pipelined transactions', () => {
  it('write BEGIN together with the first statement, not a round trip before it', () =>
    onClient(async (client) => {
      expect(await client.query('begin')).toMatchObject({ command: 'BEGIN' });
      expect(wire).toEqual([]);
      await client.query(INSERT, [1]);
      expect(wire).toEqual(['begin (0 unanswered)', `${INSERT} (1 unanswered)`]);
      expect(await stored(1)).toBe(0);
      await client.query('commit');
      expect(await stored(1)).toBe(1);
    }));

  it('send nothing for a transaction that ends before its first statement', () =>
    onClient(async (client) => {
      await client.query('begin');
      expect(await client.query('commit')).toMatchObject({ command: 'COMMIT' });
      await client.query('begin');
      expect(await client.query('rollback')).toMatchObject({ command: 'ROLLBACK' });
      expect(wire).toEqual([]);
      // No transaction is left open: a statement now stands on its own.
      await client.query(INSERT, [2]);
      expect(await stored(2)).toBe(1);
    }));

  it('write COMMIT right behind a committing statement, and answer the transaction\'s COMMIT with it', () =>
    onClient(async (client) => {
      await client.query('begin');
      await client.query(COMMITTING_INSERT, [3]);
      expect(wire).toEqual(['begin (0 unanswered)', `${INSERT} (1 unanswered)`, 'commit (2 unanswered)']);
      expect(await client.query('commit')).toMatchObject({ command: 'COMMIT' });
      expect(wire).toHaveLength(3);
      expect(await stored(3)).toBe(1);
    }));

  it('leave nothing of a transaction whose committing statement failed, and answer its ROLLBACK', () =>
    onClient(async (client) => {
      await client.query('begin');
      await client.query(INSERT, [4]);
      await expect(client.query(COMMITTING_INSERT, [4])).rejects.toMatchObject({ code: '23505' });
      expect(await client.query('rollback')).toMatchObject({ command: 'ROLLBACK' });
      expect(wire.filter((w) => w.startsWith('rollback'))).toEqual([]);
      expect(await stored(4)).toBe(0);
      expect(client.getTransactionStatus()).toBe('I');
    }));

  it('refuse a statement after the committing one, and a ROLLBACK of what it committed', () =>
    onClient(async (client) => {
      await client.query('begin');
      await client.query(COMMITTING_INSERT, [5]);
      await expect(client.query(INSERT, [6])).rejects.toThrow('a statement was sent after the committing statement of its transaction');
      await expect(client.query('rollback')).rejects.toThrow('the transaction had already committed with its last statement');
      expect(await stored(5)).toBe(1);
      expect(await stored(6)).toBe(0);
    }));

  it('give a client back to the pool with nothing held for the next holder', async () => {
    const first = await pool.connect();
    await first.query('begin');
    first.release();
    const next = await pool.connect();
    try {
      await next.query(INSERT, [7]);
      expect(await stored(7)).toBe(1);
      expect(wire).toEqual([`${INSERT} (0 unanswered)`]);
    } finally {
      next.release();
    }
  });

  it('are what the ORM runs on: its transaction commits with its committing statement', async () => {
    const orm = await createOrm({ entities: [new EntitySchema({ name: 'Unused', properties: { id: { type: 'number', primary: true } } })], migrations: [], defaultSqlitePath: ':memory:' }, { databaseUrl: fixture.url, poolSize: 1 });
    try {
      await orm.em.fork().transactional(async (em) => void (await executeBound(em, COMMITTING_INSERT, [8])));
      expect(await stored(8)).toBe(1);
      await expect(orm.em.fork().transactional(async (em) => void (await executeBound(em, COMMITTING_INSERT, [8])))).rejects.toThrow(/duplicate key/);
      // The connection is fine afterwards, and in no transaction.
      await orm.em.fork().transactional(async (em) => void (await executeBound(em, INSERT, [9])));
      expect(await stored(9)).toBe(1);
      const client = await ((await orm.em.getConnection().getNativeClient()) as pg.Pool).connect();
      expect((client as unknown as { pipeline: boolean }).pipeline).toBe(true);
      client.release();
    } finally {
      await orm.close(true);
    }
  });
});
