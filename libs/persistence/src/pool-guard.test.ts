/**
 * Found by the fresh-clone CI run: a pooled connection the server ended while it was checked out
 * and idle (no statement running: between a transaction's statements, or while a test database
 * was dropped under a stopping service) emitted 'error' with no listener, pg-pool having taken
 * its own off at checkout, and Node ended the process with an uncaught exception.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { withPostgresDatabase } from '@acme/testing';
import { releaseDeadConnections } from './pool-guard.js';

const fixture = await withPostgresDatabase('poolguard');
const pools: pg.Pool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
});

describe.skipIf(fixture.skip)('a pooled connection the server ends while it is checked out', () => {
  it('is released without taking the process down, and the pool serves on', async () => {
    const pool = new pg.Pool({ connectionString: fixture.url, max: 1 });
    pools.push(pool);
    releaseDeadConnections(pool);
    const held = await pool.connect();
    const admin = new pg.Client({ connectionString: fixture.url });
    await admin.connect();
    try {
      // Not events.once: it would listen for 'error' itself.
      const ended = new Promise((resolve) => held.once('end', resolve));
      await admin.query('select pg_terminate_backend($1)', [(held as unknown as { processID: number }).processID]);
      await ended;
    } finally {
      await admin.end();
    }
    // The holder learns at its next statement; the pool has given the dead slot back already.
    await expect(held.query('select 1')).rejects.toThrow();
    expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });
});
