/**
 * The longest value each stored text column takes, in characters: the one source for the
 * columns (the entities take their lengths from here, and `database.test.ts` proves the
 * migrations build exactly what the entities describe) and for the service's request checks,
 * so that a value the checks accept always fits its column and never fails at the database.
 */
export const FIELD_LIMITS = {
  /** Every generated id (`usr_…`, `asg_…`, `acct_…`) and slug (products, suites). */
  id: 64,
  /** Names of accounts, products, suites and queues; display names of users. */
  name: 200,
  /** A user's email (RFC 5321 path limit, 320 in practice). */
  email: 320,
  /** Who did something: a token subject (user id or service name). */
  actor: 200,
  /** What an audit entry is about: an id, or a product id. */
  resourceId: 200,
  /** A request id carried into audit entries as their causation. */
  causationId: 200,
  /** A phone extension: digits only. */
  extension: 6,
  /** A device's label in a phone configuration. */
  deviceLabel: 100,
  /** A note to sales on a sales order. */
  note: 1000,
  /** An idempotency record's key: account, caller and the caller's key (see idempotencyRecordId). */
  idempotencyRecordId: 520,
} as const;
