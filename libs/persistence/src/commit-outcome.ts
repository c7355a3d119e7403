import { setTimeout as sleep } from 'node:timers/promises';
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { isConnectionLost } from './connection-loss.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

/** How long to keep asking for a transaction's fate before calling it unknown. */
const RESOLVE_WITHIN_MS = 3_000;

/**
 * What became of a transaction whose COMMIT got no answer because its connection was lost (its id
 * is read just before the COMMIT, with the transaction's last statement): `committed` or `aborted`
 * as PostgreSQL records it (pg_xact_status), asked on a fresh connection; `unknown` when the
 * database cannot be asked within a few seconds or the transaction is still running.
 */
export async function commitOutcome(em: () => Em, xid: string): Promise<'committed' | 'aborted' | 'unknown'> {
  const deadline = Date.now() + RESOLVE_WITHIN_MS;
  for (let attempt = 1; Date.now() < deadline; attempt++) {
    try {
      const [row] = (await em().execute('select pg_xact_status(?::xid8) as status', [xid], 'all')) as {
        status: string | null;
      }[];
      if (row?.status === 'committed' || row?.status === 'aborted') return row.status;
    } catch (error) {
      if (!isConnectionLost(error)) throw error;
    }
    // Still in progress (a backend not yet gone), or no connection yet: ask again shortly.
    await sleep(Math.min(50 * attempt, 500));
  }
  return 'unknown';
}
