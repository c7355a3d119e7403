import pg from 'pg';

/**
 * Resolves once a session other than `holder` waits for a lock in the database at `url`: the
 * moment a test that holds a row lock from its own session knows the code under test is queued
 * behind it. `timeoutMs` only catches code that never queues (it normally does within
 * milliseconds), so it leaves a loaded machine plenty of room.
 */
export async function untilAnotherSessionWaitsForLock(
  url: string,
  holder: pg.Client,
  timeoutMs = 30_000,
): Promise<void> {
  const holderPid = (await holder.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
  const observer = new pg.Client({ connectionString: url });
  await observer.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { rows } = await observer.query(
        `select 1 from pg_stat_activity where datname = current_database() and pid <> $1 and wait_event_type = 'Lock'`,
        [holderPid],
      );
      if (rows.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no session waited for a lock within ${timeoutMs} ms`);
  } finally {
    await observer.end();
  }
}
