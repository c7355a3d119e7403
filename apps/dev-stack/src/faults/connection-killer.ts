import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/**
 * Terminates every connection to one database, again and again, from a separate administrative
 * connection (`pg_terminate_backend`): what a database failover, a restarted pgbouncer or an
 * operator's kill looks like to the service. `stop()` resolves with how many it terminated.
 */
export function killConnectionsRepeatedly(url: string, options: { minPauseMs: number; maxPauseMs: number }): { stop(): Promise<number> } {
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  let running = true;
  let killed = 0;
  const loop = (async () => {
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      while (running) {
        await sleep(options.minPauseMs + Math.random() * (options.maxPauseMs - options.minPauseMs));
        // Two statements on purpose: in one, the planner may evaluate pg_terminate_backend before
        // the datname filter (it comes from a join inside the view) and kill every session on the server.
        const { rows } = await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database]);
        const terminated = await client.query<{ ok: boolean }>('select pg_terminate_backend(pid) as ok from unnest($1::int[]) as pid', [rows.map((r) => r.pid)]);
        killed += terminated.rows.filter((r) => r.ok).length;
      }
    } finally {
      await client.end();
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return killed;
    },
  };
}
