import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Decision } from '@acme/rules';
import { AppError } from '@acme/util';
import { auditEntry } from '../domain/audit.js';
import type { EventPayload } from '../domain/events.js';
import { actorFacts, seatCountFacts } from '../domain/facts.js';
import { priceOf } from '../domain/price.js';
import { downgradeOrder, selectDowngrades, type SeatHolder } from '../domain/downgrade.js';
import { seatTarget, subscriptionsOfSuite, suiteFacts, type SeatTargetName } from '../domain/suites.js';
import { decide, originOfCall, record, type UseCaseContext } from './use-case-context.js';
import type { SeatChange } from './purchase-seats.js';

export interface SeatReduction extends SeatTargetName {
  newTotal: number;
  /** `most_recent_first`, `alphabetical`, `explicit`, or '' for the rules' default order. */
  downgradeOrder: string;
  /** With `explicit`: the users who lose their seat. */
  explicitUserIds: string[];
}

/**
 * ReduceSeats: lowers the purchased seats of the product named, or of every product of the suite
 * named (a suite product named alone meets the suite-parity rule, as in a purchase). When seats
 * fall below usage, the rules ask for downgrades, and the most recently added users (by default;
 * alphabetical or an explicit list on request) lose the product.
 */
export async function reduceSeats(
  ctx: UseCaseContext,
  command: SeatReduction,
): Promise<{ changes: SeatChange[]; downgradedUserIds: string[]; decision: Decision }> {
  const { tx, account, now } = ctx;
  // Load
  const target = await seatTarget(tx, command);
  const { products } = target;
  const subscriptions = await subscriptionsOfSuite(tx, account.id, target);
  for (const p of products) {
    const current = subscriptions.get(p.id);
    const field = command.suiteId ? 'suite_id' : 'product_id';
    if (!current) throw AppError.invalidArgument([{ field, description: `this account has no seats of ${p.id}` }]);
    if (command.newTotal >= current.purchased)
      throw AppError.invalidArgument([
        {
          field: 'new_total',
          description: `must be below the current ${current.purchased} seats of ${p.id} (use PurchaseSeats to add)`,
        },
      ]);
  }
  const facts: (ReturnType<typeof seatCountFacts> & {
    excess: number;
    holders: (SeatHolder & { assignmentId: string })[];
  })[] = [];
  for (const p of products) {
    const s = subscriptions.get(p.id)!;
    const holders = await tx.holders(account.id, p.id);
    facts.push({
      ...seatCountFacts(p.id, p.suiteId, s, command.newTotal),
      excess: Math.max(0, s.assigned - command.newTotal),
      holders: holders.map((h) => ({
        userId: h.userId,
        displayName: h.displayName,
        assignedAt: h.assignedAt.toISOString(),
        assignmentId: h.assignmentId,
      })),
    });
  }

  // Decide
  const decision = await decide(ctx, 'reduce_seats', {
    ...actorFacts(ctx.principal, account),
    request: {
      productId: command.productId,
      suiteId: command.suiteId,
      newTotal: command.newTotal,
      downgradeOrder: command.downgradeOrder,
      explicitUserIds: [...command.explicitUserIds],
    },
    products: facts,
    suite: suiteFacts(target, subscriptions, () => command.newTotal),
  });

  // Who is downgraded: the rules say that seats of a product fall below usage; the order chosen
  // (the request's, or the rule data's default) says who.
  const order = downgradeOrder(ctx.rules, command.downgradeOrder);
  const effects = decision.effects.map((effect) => {
    if (effect.type !== 'downgrade') return effect;
    const f = facts.find((x) => x.id === effect.productId)!;
    return {
      ...effect,
      code: order,
      userIds: selectDowngrades(f.holders, f.assigned - command.newTotal, order, command.explicitUserIds),
    };
  });

  // Apply: downgrades first, then the new seat counts.
  const origin = originOfCall(ctx);
  const downgraded: string[] = [];
  const events: EventPayload[] = [];
  for (const effect of effects.filter((e) => e.type === 'downgrade')) {
    const f = facts.find((x) => x.id === effect.productId)!;
    for (const userId of effect.userIds ?? []) {
      const holder = f.holders.find((h) => h.userId === userId)!;
      await tx.deleteAssignment(holder.assignmentId);
      await tx.releaseSeats(account.id, f.id, 1);
      downgraded.push(userId);
      tx.appendAudit([
        auditEntry(
          origin,
          'agent.downgraded',
          { type: 'assignment', id: holder.assignmentId },
          { userId, productId: f.id },
          null,
        ),
      ]);
      events.push({
        case: 'agentDowngraded',
        value: {
          assignmentId: holder.assignmentId,
          userId,
          productId: f.id,
          downgradeOrder: effect.code ?? '',
          effectiveTime: timestampFromDate(now),
        },
      });
    }
  }
  for (const f of facts) {
    if (!(await tx.setPurchasedSeats(account.id, f.id, command.newTotal))) {
      throw new AppError('aborted', `${f.id}: seats were assigned concurrently; retry the reduction`, {
        reason: 'CONFLICT',
      });
    }
    tx.appendAudit([
      auditEntry(
        origin,
        'seats.reduced',
        { type: 'subscription', id: f.id },
        { purchased: f.purchased },
        { purchased: command.newTotal },
      ),
    ]);
    const p = products.find((g) => g.id === f.id)!;
    events.push({
      case: 'seatsReduced',
      value: {
        productId: f.id,
        quantity: f.purchased - command.newTotal,
        purchasedAfter: command.newTotal,
        price: priceOf(p, subscriptions.get(f.id)),
        effectiveTime: timestampFromDate(now),
      },
    });
  }

  // Events
  await record(ctx, [], events);
  return {
    changes: facts.map((f) => ({ productId: f.id, purchasedBefore: f.purchased, purchasedAfter: command.newTotal })),
    downgradedUserIds: downgraded,
    decision: { ...decision, effects },
  };
}
