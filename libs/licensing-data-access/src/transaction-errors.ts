import { DeadlockException, LockWaitTimeoutException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { AppError } from '@acme/util';
import { ConcurrentChangeError } from './orm-license-book.js';

/** A COMMIT whose answer was lost and whose fate PostgreSQL could not be asked. */
export function commitOutcomeUnknown(cause: unknown): AppError {
  return new AppError(
    'unavailable',
    'the database connection was lost during the commit, and whether the change was applied is unknown; retry with the same idempotency key to find out',
    {
      reason: 'UNAVAILABLE',
      metadata: { commit_outcome: 'unknown' },
      cause,
    },
  );
}

/**
 * Whether a transaction that failed with `error` may succeed when run again from the start. A
 * unique violation means a concurrent twin committed first (same idempotency key, same user and
 * product, same email): the re-run sees it and answers as the domain says.
 */
export function isRetryable(error: unknown): boolean {
  return (
    error instanceof DeadlockException ||
    error instanceof LockWaitTimeoutException ||
    error instanceof UniqueConstraintViolationException ||
    error instanceof ConcurrentChangeError
  );
}
