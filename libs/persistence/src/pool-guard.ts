import type { Pool, PoolClient } from 'pg';

/**
 * Gives back to the pool every connection that died while checked out and was never released, and
 * keeps such a death from ending the process.
 *
 * Kysely (under MikroORM) releases a transaction's connection only after its COMMIT or ROLLBACK
 * succeeded (kysely-org/kysely#1990): when the server drops the connection mid-transaction, both
 * fail, the dead client keeps its pool slot forever, and after `max` such losses every query waits
 * for a connection that never comes, so the service hangs until restarted. This releases such a
 * client (with an error, so pg-pool discards it) as soon as its connection ends, and makes the
 * holder's own later `release()` a no-op.
 */
export function releaseDeadConnections(pool: Pool): void {
  const checkedOut = new WeakSet<PoolClient>();
  pool.on('acquire', (client) => checkedOut.add(client));
  pool.on('release', (_error, client) => checkedOut.delete(client));
  pool.on('connect', (client) => {
    // pg-pool takes its own 'error' listener off a client it hands out: a connection the server
    // ends while checked out and idle would then be an uncaught 'error', which ends the process.
    // The holder learns at its next statement, and 'end' below gives the slot back.
    client.on('error', () => undefined);
    client.once('end', () => {
      if (!checkedOut.has(client)) return;
      const release = client.release;
      client.release = () => undefined;
      release(new Error('the connection ended while checked out'));
    });
  });
}
