import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '@acme/util';
/** PostgreSQL SQLSTATEs of a lost or refused connection: class 08, shutdowns, too many clients. */
const CONNECTION_SQLSTATE = /^(08...|57P0[1-3]|53300)$/;
/** A database closed to new sessions (`allow_connections false`, during maintenance): said as a FATAL 55000 at connect. */
const CLOSED_DATABASE = { severity: 'FATAL', code: '55000' };
/** Socket errors of a database that is down or unreachable. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** What pg and pg-pool say when a connection is gone (they set no code). */
const LOST_MESSAGES =
  /connection terminated|connection ended|not queryable|timeout exceeded when trying to connect|encountered a connection error/i;

/**
 * Whether `error` means the database connection was lost or could not be made (as opposed to a
 * query the database refused): the statement in flight did not complete, and once the database
 * answers again, the same work can succeed. Looks through wrappers (`cause`, AggregateError).
 */
export function isConnectionLost(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  const { code } = error as { code?: unknown };
  if (typeof code === 'string' && (CONNECTION_SQLSTATE.test(code) || SOCKET_CODES.has(code))) return true;
  // 55000 alone is also a statement refused for the state of an object: only the FATAL one at connect counts.
  if (code === CLOSED_DATABASE.code && (error as { severity?: unknown }).severity === CLOSED_DATABASE.severity)
    return true;
  if (LOST_MESSAGES.test(error.message)) return true;
  const nested = [error.cause, ...(error instanceof AggregateError ? error.errors : [])];
  return nested.some((e) => isConnectionLost(e, depth + 1));
}

/** A lost or refused database connection, as callers see it: retryable. */
export function databaseUnavailable(cause: unknown): AppError {
  return new AppError('unavailable', 'the database is unavailable; retry with backoff', {
    reason: 'UNAVAILABLE',
    cause,
  });
}

/** Attempts of a read whose connection keeps being lost before the caller is told to retry. */
const READ_ATTEMPTS = 5;

/**
 * Runs a read, again on another connection when the one it got was lost (the server closed a
 * pooled connection, a failover): a read changes nothing, and a pool holds dead connections for a
 * moment after the server ends them. Lost every time, it is `unavailable` (retryable), never an
 * internal error.
 */
export async function readRetryingLostConnections<R>(read: () => Promise<R>): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (!isConnectionLost(error)) throw error;
      if (attempt >= READ_ATTEMPTS) throw databaseUnavailable(error);
      await sleep(Math.random() * 20 * attempt);
    }
  }
}
