import type { Pool, PoolClient } from 'pg';

/** Statement texts after which the connection writes COMMIT at once (see committingStatement). */
const committing = new Set<string>();

/** What the comment on a committing statement says, so that its text differs from the plain one. */
const COMMITTING_MARK = '\n-- commits its transaction';

/**
 * Marks a statement as the last of its transaction: on PostgreSQL the connection writes COMMIT right
 * behind it, without waiting for its answer, and the transaction's own COMMIT later takes that
 * one's answer instead of going out again. Locks held by the transaction are then released as soon
 * as the database has run the statement, not one client round trip later. If the statement fails,
 * the database answers that COMMIT as a ROLLBACK: nothing of the transaction stays.
 *
 * Nothing may be sent after it but the COMMIT or ROLLBACK of the transaction, and the caller must be
 * able to tell whether the transaction committed when the connection is lost before the answer
 * (read its id earlier: pg_current_xact_id()). Returns the marked text (the original with a
 * comment), to run instead of the original.
 */
export function committingStatement(sql: string): string {
  const text = `${sql}${COMMITTING_MARK}`;
  committing.add(text);
  return text;
}

type Query = (config: unknown, values?: unknown, callback?: unknown) => unknown;

/** A result for a statement that was never sent, shaped as node-postgres answers one. */
const unsent = (command: string) => Promise.resolve({ command, rowCount: null, rows: [], fields: [] });

/**
 * Saves each transaction on `pool` the round trips of its BEGIN and, where the last statement is a
 * committing one, of its COMMIT. The pool's clients must be in node-postgres pipeline mode, so that
 * statements queued together go out together.
 *
 * - BEGIN is held back and written just before the transaction's first statement; a transaction
 *   that ends before running any statement sends nothing at all.
 * - After a committing statement COMMIT is written at once; the transaction's COMMIT (or its
 *   ROLLBACK, when the committing statement failed) is answered by that one.
 *
 * ORMs and query builders above keep sending `begin`, statements and `commit` one at a time.
 */
export function pipelineTransactions(pool: Pool): void {
  const ends = new WeakMap<PoolClient, () => void>();
  pool.on('connect', (client: PoolClient) => {
    const query = client.query.bind(client) as Query;
    let beginHeld = false;
    let commitSent: Promise<{ command: string }> | null = null;
    const send = (sql: string) => {
      const sent = query(sql) as Promise<{ command: string }>;
      // The answer matters to whoever asks for it later (or to nobody, for BEGIN): never unhandled.
      sent.catch(() => undefined);
      return sent;
    };
    (client as unknown as { query: Query }).query = (config, values, callback) => {
      if (typeof config === 'string' && callback === undefined && typeof values !== 'function') {
        if (config === 'begin' && !beginHeld && commitSent === null) {
          beginHeld = true;
          return unsent('BEGIN');
        }
        if (config === 'commit' || config === 'rollback') {
          if (beginHeld) {
            beginHeld = false;
            return unsent(config.toUpperCase());
          }
          if (commitSent) {
            const answered = commitSent;
            commitSent = null;
            return config === 'commit' ? answered : answered.then(refuseRollbackOfCommitted);
          }
        }
      }
      // Anything else would run after the COMMIT, outside the transaction it was meant for.
      if (commitSent) return refuse(new Error('a statement was sent after the committing statement of its transaction'), values, callback);
      if (beginHeld) {
        beginHeld = false;
        send('begin');
      }
      const result = query(config, values, callback);
      if (committing.has(textOf(config))) commitSent = send('commit');
      return result;
    };
    // A client goes back to the pool with nothing held: the next holder starts clean.
    ends.set(client, () => {
      beginHeld = false;
      commitSent = null;
    });
  });
  pool.on('release', (_error: Error | undefined, client: PoolClient) => ends.get(client)?.());
}

/** A refused query, answered the way it was asked: through its callback, or as a rejected promise. */
function refuse(error: Error, values: unknown, callback: unknown): unknown {
  const done = typeof values === 'function' ? values : callback;
  if (typeof done !== 'function') return Promise.reject(error);
  process.nextTick(() => (done as (error: Error) => void)(error));
  return undefined;
}

/** The SQL text of a query, given as a string or as a config object (named statements). */
function textOf(config: unknown): string {
  return typeof config === 'string' ? config : ((config as { text?: string } | null)?.text ?? '');
}

/**
 * A ROLLBACK asked for after a committing statement succeeded would come too late: the COMMIT
 * behind it has already made the transaction durable. Said loudly rather than pretended.
 */
function refuseRollbackOfCommitted(answer: { command: string }): { command: string } {
  if (answer.command === 'COMMIT') throw new Error('the transaction had already committed with its last statement; it cannot be rolled back');
  return answer;
}
