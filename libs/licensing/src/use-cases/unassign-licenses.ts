import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { AssignmentRecord, UserRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { AppError } from '@acme/util';
import { auditEntry } from '../domain/audit.js';
import type { EventPayload } from '../domain/events.js';
import { actorFacts, licenseUserFacts, seatFacts, withPlannedSeats } from '../domain/facts.js';
import { mergeDecisions } from '../domain/decision-outcome.js';
import { purgeTime } from '../domain/retention.js';
import { leaveEveryQueue } from './remove-from-all-queues.js';
import { decide, originOfCall, record, requireUser, type UseCaseContext } from './use-case-context.js';

/**
 * UnassignLicenses: takes one or more products from a user, all or nothing. Each seat goes back
 * to the account; when the rules say so (GoTo Connect with a configured phone), the phone
 * configuration is kept for the retention window. With `removeFromAllQueues` the user also leaves
 * every queue in the same transaction (decided at queue_membership too), so Contact Center billing
 * stops with the license instead of continuing.
 */
export async function unassignLicenses(ctx: UseCaseContext, command: UnassignCommand): Promise<Unassigned> {
  return applyUnassign(ctx, await planUnassign(ctx, command));
}

export interface UnassignCommand {
  userId: string;
  productIds: string[];
  notifyUser: boolean;
  removeFromAllQueues: boolean;
  /** The caller's right to take the user out of queues was settled already (a deactivation). */
  queuesAuthorized?: boolean;
}

export interface Unassigned {
  removed: AssignmentRecord[];
  removedFromQueueIds: string[];
  decision: Decision;
}

/** What a removal will do, decided before any write (see planUnassign). */
export interface UnassignPlan {
  command: UnassignCommand;
  user: UserRecord;
  current: AssignmentRecord[];
  unassigned: Decision;
}

/**
 * The reading and deciding half of a removal: it writes nothing, so a refusal leaves no trace.
 * `seatsMoved` counts seats of each product that removals planned before this one in the same
 * transaction will free (negative), so the seat rules see them as free.
 */
export async function planUnassign(
  ctx: UseCaseContext,
  command: UnassignCommand,
  seatsMoved: ReadonlyMap<string, number> = new Map(),
): Promise<UnassignPlan> {
  const { tx, account, now } = ctx;
  // Load
  const user = await requireUser(ctx, command.userId);
  const current = await tx.assignmentsOfUser(user.id);
  const notHeld = command.productIds.flatMap((id, i) =>
    current.some((a) => a.productId === id)
      ? []
      : [{ field: `product_ids[${i}]`, description: `${user.id} does not hold ${id}` }],
  );
  if (notHeld.length > 0) throw AppError.invalidArgument(notHeld);
  const products = new Map((await tx.products(command.productIds)).map((p) => [p.id, p]));
  const subscriptions = new Map((await tx.subscriptions(account.id, command.productIds)).map((s) => [s.productId, s]));
  const seatsNow = (id: string) => withPlannedSeats(subscriptions.get(id), seatsMoved.get(id));

  // Decide
  const userFacts = await licenseUserFacts(tx, account.id, user, current, now);
  const unassigned = await decide(ctx, 'unassign', {
    ...actorFacts(ctx.principal, account),
    request: { productIds: command.productIds, removeFromAllQueues: command.removeFromAllQueues },
    products: command.productIds.map((id) => seatFacts(id, products.get(id)?.suiteId ?? null, seatsNow(id), -1)),
    user: command.removeFromAllQueues ? { ...userFacts, queueMembershipCountAfter: 0 } : userFacts,
  });
  return { command, user, current, unassigned };
}

/** The writing half of a removal: queues (when asked), seats, the phone configuration, audit entries and events. */
export async function applyUnassign(ctx: UseCaseContext, plan: UnassignPlan): Promise<Unassigned> {
  const { tx, account, now } = ctx;
  const { command, user, current, unassigned } = plan;
  // Leaving the queues first: its decision sees the licenses the user holds before this change.
  const queues = command.removeFromAllQueues
    ? await leaveEveryQueue(ctx, user, { authorized: command.queuesAuthorized ?? false })
    : { queueIds: [], decision: null };
  const decision = queues.decision ? mergeDecisions([unassigned, queues.decision]) : unassigned;

  // Apply
  const removed = command.productIds.map((id) => current.find((a) => a.productId === id)!);
  for (const assignment of removed) {
    await tx.deleteAssignment(assignment.id);
    await tx.releaseSeats(account.id, assignment.productId, 1);
  }
  // The phone configuration is kept as it is now, with the license's toggles as they are now.
  const retain = decision.effects.find((e) => e.type === 'configuration_retained');
  const purgeAt = purgeTime(ctx.rules, now);
  const config = retain ? await tx.phoneConfiguration(user.id) : null;
  if (retain && config) {
    const license = removed.find((a) => a.productId === config.productId);
    await tx.savePhoneConfiguration(account.id, {
      ...config,
      features: license?.features ?? config.features,
      retainedUntil: purgeAt,
    });
    retain.until = purgeAt;
  }

  // Audit and events
  const origin = originOfCall(ctx);
  await record(
    ctx,
    removed.map((a) =>
      auditEntry(
        origin,
        'license.unassigned',
        { type: 'assignment', id: a.id },
        { userId: a.userId, productId: a.productId, features: a.features },
        null,
      ),
    ),
    [
      ...removed.map((a): EventPayload => ({
        case: 'licenseUnassigned',
        value: { assignmentId: a.id, userId: a.userId, productId: a.productId, effectiveTime: timestampFromDate(now) },
      })),
      ...(retain
        ? [
            {
              case: 'configurationRetained',
              value: { userId: user.id, productId: retain.productId ?? '', purgeTime: timestampFromDate(purgeAt) },
            } as EventPayload,
          ]
        : []),
      ...(command.notifyUser
        ? [
            {
              case: 'notificationRequested',
              value: {
                template: 'product_change',
                userId: user.id,
                parameters: { removed: command.productIds.join(',') },
              },
            } as EventPayload,
          ]
        : []),
    ],
  );
  return { removed, removedFromQueueIds: queues.queueIds, decision };
}
