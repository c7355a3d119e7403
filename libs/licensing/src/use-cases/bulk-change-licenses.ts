import type { AssignmentRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { AppError, type FieldViolation, type RuleViolation } from '@acme/util';
import { applyGrant, planGrant, type ProductGrant } from './assign-licenses.js';
import { applyUnassign, planUnassign } from './unassign-licenses.js';
import { requireActiveUser, type UseCaseContext } from './use-case-context.js';

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
  return inTwoPasses(ctx, command.userIds, command.mode, {
    plan: async (userId, seatsTaken) => {
      const user = await requireActiveUser(ctx, userId);
      const current = await ctx.tx.assignmentsOfUser(user.id);
      const grant = { user, current, point: 'assign', field: 'products', notifyUser: command.notifyUsers } as const;
      return planGrant(ctx, { ...grant, products: command.products }, seatsTaken);
    },
    moves: command.products.map(({ productId }) => [productId, 1]),
    apply: async (plan) => {
      const { created, decision } = await applyGrant(ctx, plan);
      return { changed: created, decision };
    },
    decisionOf: (plan) => plan.decision,
  });
}

/** BulkUnassignLicenses: `productIds` from each user, as UnassignLicenses would take them one by one. */
export function bulkUnassignLicenses(
  ctx: UseCaseContext,
  command: { userIds: string[]; productIds: string[]; notifyUsers: boolean; mode: BulkMode },
): Promise<BulkOutcome[]> {
  return inTwoPasses(ctx, command.userIds, command.mode, {
    plan: (userId, seatsMoved) =>
      planUnassign(
        ctx,
        { userId, productIds: command.productIds, notifyUser: command.notifyUsers, removeFromAllQueues: false },
        seatsMoved,
      ),
    moves: command.productIds.map((productId) => [productId, -1]),
    apply: async (plan) => {
      const { removed, decision } = await applyUnassign(ctx, plan);
      return { changed: removed, decision };
    },
    decisionOf: (plan) => plan.unassigned,
  });
}

/**
 * A bulk change in two passes, in the call's one transaction. First every user is read (four
 * queries for all) and decided, exactly as the single RPC would decide them, each seeing the seats
 * the users planned before it move (`moves` per user: +1 taken, -1 freed); nothing is written, so
 * a refused user leaves no trace, and all or nothing refuses here, naming every refused user.
 * Then every planned change is written; a failure there (a fault, or the guarded seat counter
 * disagreeing) fails the whole call and the transaction rolls back. Audit entries and events
 * carry the call's request id.
 */
async function inTwoPasses<Plan>(
  ctx: UseCaseContext,
  userIds: string[],
  mode: BulkMode,
  steps: {
    plan: (userId: string, seatsMoved: ReadonlyMap<string, number>) => Promise<Plan>;
    moves: [productId: string, seats: number][];
    apply: (plan: Plan) => Promise<{ changed: AssignmentRecord[]; decision: Decision }>;
    decisionOf: (plan: Plan) => Decision;
  },
): Promise<BulkOutcome[]> {
  await ctx.tx.readUsers(ctx.account.id, userIds);
  const seatsMoved = new Map<string, number>();
  const plans: (Plan | null)[] = [];
  const outcomes: BulkOutcome[] = [];
  for (const userId of userIds) {
    try {
      const plan = await steps.plan(userId, seatsMoved);
      for (const [productId, seats] of steps.moves) seatsMoved.set(productId, (seatsMoved.get(productId) ?? 0) + seats);
      plans.push(plan);
      outcomes.push({ userId, changed: [], decision: steps.decisionOf(plan) });
    } catch (error) {
      if (!isRefusal(error)) throw error;
      plans.push(null);
      outcomes.push({ userId, refusal: error });
    }
  }
  if (mode === 'all_or_nothing' && outcomes.some((o) => 'refusal' in o)) throw bulkRefusal(userIds, outcomes);
  for (const [i, plan] of plans.entries())
    if (plan !== null) outcomes[i] = { userId: userIds[i]!, ...(await steps.apply(plan)) };
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
