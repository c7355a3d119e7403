import type { AssignmentRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { AppError } from '@acme/util';
import { mergeDecisions } from '../domain/decision-outcome.js';
import { assignLicenses } from './assign-licenses.js';
import { unassignLicenses } from './unassign-licenses.js';
import { requireUser, type UseCaseContext } from './use-case-context.js';

/**
 * TransferLicense: one user's license of a product goes to another in one transaction, with its
 * feature toggles. The giver's side is an UnassignLicenses and the receiver's an AssignLicenses,
 * each decided by its own rules (retention for the giver's phone configuration, restoration for
 * the receiver's), so the seat count ends where it began and billing sees one seat close and one
 * open. Either side refused: nothing happens.
 */
export async function transferLicense(
  ctx: UseCaseContext,
  command: { fromUserId: string; toUserId: string; productId: string; notifyUsers: boolean },
): Promise<{ removed: AssignmentRecord; created: AssignmentRecord; decision: Decision }> {
  if (command.fromUserId === command.toUserId)
    throw AppError.invalidArgument([{ field: 'to_user_id', description: 'must be another user than from_user_id' }]);
  // Both sides are checked before either changes, in the request's own field names.
  const giver = await requireUser(ctx, command.fromUserId);
  const receiver = await requireUser(ctx, command.toUserId);
  const problems = [];
  if (!(await ctx.tx.assignmentsOfUser(giver.id)).some((a) => a.productId === command.productId))
    problems.push({ field: 'product_id', description: `${giver.id} does not hold ${command.productId}` });
  if ((await ctx.tx.assignmentsOfUser(receiver.id)).some((a) => a.productId === command.productId))
    problems.push({ field: 'to_user_id', description: `${receiver.id} already holds ${command.productId}` });
  if (problems.length > 0) throw AppError.invalidArgument(problems);
  const given = await unassignLicenses(ctx, {
    userId: command.fromUserId,
    productIds: [command.productId],
    notifyUser: command.notifyUsers,
    removeFromAllQueues: false,
  });
  const removed = given.removed[0]!;
  const taken = await assignLicenses(ctx, {
    userId: command.toUserId,
    products: [{ productId: command.productId, features: removed.features }],
    notifyUser: command.notifyUsers,
  });
  return { removed, created: taken.created[0]!, decision: mergeDecisions([given.decision, taken.decision]) };
}
