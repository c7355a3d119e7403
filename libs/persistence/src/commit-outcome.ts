import { setTimeout as sleep } from 'node:timers/promises';
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { isConnectionLost } from './connection-loss.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

/** How long to keep asking for a transaction's fate before calling it unknown. */
const RESOLVE_WITHIN_MS = 3_000;

/**
 * The id of the current PostgreSQL transaction, or null when it has written nothing. Read just
 * before COMMIT, so that if the connection is lost during the COMMIT, `commitOutcome` can ask a
 * fresh connection what became of it.
 */
export async function writingTransactionId(em: Em): Promise<string | null> {
  const [row] = (await em.execute('select pg_current_xact_id_if_assigned()::text as xid', [], 'all')) as { xid: string | null }[];
  return row?.xid ?? null;
}

/**
 * What became of a transaction whose COMMIT got no answer (its connection was lost): `committed`
 * or `aborted` as PostgreSQL records it (pg_xact_status), asked on a fresh connection; `unknown`
 * when the database cannot be asked within a few seconds or the transaction is still running.
 */
export async function commitOutcome(em: () => Em, xid: string): Promise<'committed' | 'aborted' | 'unknown'> {
  const deadline = Date.now() + RESOLVE_WITHIN_MS;
  for (let attempt = 1; Date.now() < deadline; attempt++) {
    try {
      const [row] = (await em().execute('select pg_xact_status(?::xid8) as status', [xid], 'all')) as { status: string | null }[];
      if (row?.status === 'committed' || row?.status === 'aborted') return row.status;
    } catch (error) {
      if (!isConnectionLost(error)) throw error;
    }
    // Still in progress (a backend not yet gone), or no connection yet: ask again shortly.
    await sleep(Math.min(50 * attempt, 500));
  }
  return 'unknown';
}
