import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/**
 * Terminates every connection to one database, again and again, from a separate administrative
 * connection (`pg_terminate_backend`): what a database failover, a restarted pgbouncer or an
 * operator's kill looks like to the service. `stop()` resolves with how many it terminated, and
 * how many of those were inside a transaction (running a statement or between statements) when
 * they were picked: the kills that interrupted a request's work rather than an idle pool connection.
 */
export function killConnectionsRepeatedly(
  url: string,
  options: { minPauseMs: number; maxPauseMs: number },
): { stop(): Promise<{ killed: number; midTransaction: number }> } {
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  let running = true;
  let killed = 0;
  let midTransaction = 0;
  const loop = (async () => {
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      while (running) {
        await sleep(options.minPauseMs + Math.random() * (options.maxPauseMs - options.minPauseMs));
        // Two statements on purpose: in one, the planner may evaluate pg_terminate_backend before
        // the datname filter (it comes from a join inside the view) and kill every session on the server.
        const { rows } = await client.query<{ pid: number; state: string | null }>(
          'select pid, state from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          [database],
        );
        const terminated = await client.query<{ pid: number; ok: boolean }>(
          'select pid, pg_terminate_backend(pid) as ok from unnest($1::int[]) as pid',
          [rows.map((r) => r.pid)],
        );
        const busy = new Set(
          rows.filter((r) => r.state === 'active' || r.state?.startsWith('idle in transaction')).map((r) => r.pid),
        );
        for (const t of terminated.rows) {
          if (!t.ok) continue;
          killed++;
          if (busy.has(t.pid)) midTransaction++;
        }
      }
    } finally {
      await client.end();
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { killed, midTransaction };
    },
  };
}
