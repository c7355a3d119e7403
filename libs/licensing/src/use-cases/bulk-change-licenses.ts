import type { AssignmentRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { AppError, type FieldViolation, type RuleViolation } from '@acme/util';
import { assignLicenses, type ProductGrant } from './assign-licenses.js';
import { unassignLicenses } from './unassign-licenses.js';
import type { UseCaseContext } from './use-case-context.js';

/** Most users one bulk change names. */
export const MAX_BULK_USERS = 1_000;

export type BulkMode = 'all_or_nothing' | 'best_effort';

/** One user's outcome: what changed and the decision, or why nothing did. */
export type BulkOutcome =
  { userId: string; changed: AssignmentRecord[]; decision: Decision } | { userId: string; refusal: AppError };

/** BulkAssignLicenses: `products` to each user, as AssignLicenses would give them one by one. */
export function bulkAssignLicenses(
  ctx: UseCaseContext,
  command: { userIds: string[]; products: ProductGrant[]; notifyUsers: boolean; mode: BulkMode },
): Promise<BulkOutcome[]> {
  return eachUser(ctx, command.userIds, command.mode, async (userId) => {
    const { created, decision } = await assignLicenses(ctx, {
      userId,
      products: command.products,
      notifyUser: command.notifyUsers,
    });
    return { changed: created, decision };
  });
}

/** BulkUnassignLicenses: `productIds` from each user, as UnassignLicenses would take them one by one. */
export function bulkUnassignLicenses(
  ctx: UseCaseContext,
  command: { userIds: string[]; productIds: string[]; notifyUsers: boolean; mode: BulkMode },
): Promise<BulkOutcome[]> {
  return eachUser(ctx, command.userIds, command.mode, async (userId) => {
    const { removed, decision } = await unassignLicenses(ctx, {
      userId,
      productIds: command.productIds,
      notifyUser: command.notifyUsers,
      removeFromAllQueues: false,
    });
    return { changed: removed, decision };
  });
}

/**
 * Changes users one after the other in the call's one transaction, each exactly as the single
 * RPC would (its reads see the seats the users before it took, so seat limits hold; its audit
 * entries and events carry the call's request id). A user whose change is refused before it
 * wrote anything is answered with that refusal; a failure after a write, or any failure that is
 * not a refusal, fails the whole call (the transaction rolls back). All or nothing: any refused
 * user refuses the call, naming every refused user.
 */
async function eachUser(
  ctx: UseCaseContext,
  userIds: string[],
  mode: BulkMode,
  change: (userId: string) => Promise<{ changed: AssignmentRecord[]; decision: Decision }>,
): Promise<BulkOutcome[]> {
  const outcomes: BulkOutcome[] = [];
  for (const userId of userIds) {
    const writesBefore = ctx.tx.writes;
    try {
      outcomes.push({ userId, ...(await change(userId)) });
    } catch (error) {
      if (!isRefusal(error) || ctx.tx.writes !== writesBefore) throw error;
      outcomes.push({ userId, refusal: error });
    }
  }
  if (mode === 'all_or_nothing' && outcomes.some((o) => 'refusal' in o)) throw bulkRefusal(userIds, outcomes);
  return outcomes;
}

/** An answer the caller is owed about this user (not a fault of the service or the database). */
const isRefusal = (error: unknown): error is AppError =>
  error instanceof AppError &&
  !['internal', 'unavailable', 'aborted', 'deadline_exceeded', 'cancelled'].includes(error.type);

/** Distinct violated rules a bulk refusal lists: it travels in trailers, which clients cap at 8 KiB. */
const MAX_BULK_RULE_VIOLATIONS = 5;

/**
 * FAILED_PRECONDITION (BULK_REFUSED): each refused user as a field violation (the transport lists
 * what fits and counts the rest), and each violated rule once, for the first user it refused.
 */
function bulkRefusal(userIds: string[], outcomes: BulkOutcome[]): AppError {
  const fields: FieldViolation[] = [];
  const rules = new Map<string, RuleViolation>();
  outcomes.forEach((outcome, i) => {
    if (!('refusal' in outcome)) return;
    fields.push({ field: `user_ids[${i}]`, description: `${userIds[i]}: ${outcome.refusal.message}` });
    for (const v of outcome.refusal.ruleViolations)
      if (!rules.has(v.type) && rules.size < MAX_BULK_RULE_VIOLATIONS)
        rules.set(v.type, { ...v, subject: `${userIds[i]}: ${v.subject}` });
  });
  return new AppError(
    'failed_precondition',
    `${fields.length} of ${userIds.length} users refused; nothing was changed (all or nothing)`,
    { reason: 'BULK_REFUSED', fieldViolations: fields, ruleViolations: [...rules.values()] },
  );
}
