import { onTestServer } from './postgres.js';

/**
 * Closes the test database at `url` to new sessions (`allow_connections false`, as during
 * maintenance) and, with `terminate`, ends the sessions open on it: a database gone from under a
 * running service, which refuses it until it is opened again. Resolves with the function that
 * opens it again. Only that database's sessions end; the rest of the server is untouched.
 */
export async function closeTestDatabase(
  url: string,
  options: { terminate?: boolean } = {},
): Promise<() => Promise<void>> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  await onTestServer(async (admin) => {
    await admin.query(`alter database "${name}" allow_connections false`);
    if (!options.terminate) return;
    // Two statements on purpose: in one, the planner may call pg_terminate_backend before the
    // view's filter on datname applies, and end every session on the server.
    const { rows } = await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [name]);
    await admin.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [rows.map((r) => r.pid)]);
  });
  return () => onTestServer((admin) => admin.query(`alter database "${name}" allow_connections true`));
}
