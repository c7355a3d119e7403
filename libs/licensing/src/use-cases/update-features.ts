import type { AssignmentRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { AppError } from '@acme/util';
import { auditEntry } from '../domain/audit.js';
import { actorFacts, licenseUserFacts, seatFacts } from '../domain/facts.js';
import { decide, originOfCall, record, requireUser, type UseCaseContext } from './use-case-context.js';

/** UpdateFeatures: switches features of one product a user holds on or off. */
export async function updateFeatures(
  ctx: UseCaseContext,
  command: { userId: string; productId: string; features: Record<string, boolean> },
): Promise<{ assignment: AssignmentRecord; decision: Decision }> {
  const { tx, account, now } = ctx;
  // Load
  const user = await requireUser(ctx, command.userId);
  const current = await tx.assignmentsOfUser(user.id);
  const assignment = current.find((a) => a.productId === command.productId);
  if (!assignment)
    throw AppError.invalidArgument([
      { field: 'product_id', description: `${user.id} does not hold ${command.productId}` },
    ]);
  const [product] = await tx.products([command.productId]);
  const unknown = Object.keys(command.features).filter((f) => !product!.features.includes(f));
  if (unknown.length > 0) {
    throw AppError.invalidArgument(
      unknown.map((f) => ({
        field: `features.${f.slice(0, 64)}`,
        description: `${product!.id} has no feature ${f.slice(0, 64)} (it has: ${product!.features.join(', ')})`,
      })),
    );
  }
  const [subscription] = await tx.subscriptions(account.id, [product!.id]);

  // Decide
  const decision = await decide(ctx, 'set_features', {
    ...actorFacts(ctx.principal, account),
    request: { productId: product!.id, features: Object.keys(command.features) },
    products: [seatFacts(product!.id, product!.suiteId, subscription, 0)],
    user: await licenseUserFacts(tx, account.id, user, current, now),
  });

  // Apply, audit, events
  const after = { ...assignment.features, ...command.features };
  await tx.updateAssignmentFeatures(assignment.id, after);
  // A phone's configuration shows its license's toggles: they are kept and restored with it.
  const phone = await tx.phoneConfiguration(user.id);
  if (phone && phone.productId === product!.id)
    await tx.savePhoneConfiguration(account.id, { ...phone, features: after });
  await record(
    ctx,
    [
      auditEntry(
        originOfCall(ctx),
        'features.changed',
        { type: 'assignment', id: assignment.id },
        { features: assignment.features },
        { features: after },
      ),
    ],
    [
      {
        case: 'featuresChanged',
        value: {
          assignmentId: assignment.id,
          userId: user.id,
          productId: product!.id,
          before: assignment.features,
          after,
        },
      },
    ],
  );
  return { assignment: { ...assignment, features: after }, decision };
}
