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
