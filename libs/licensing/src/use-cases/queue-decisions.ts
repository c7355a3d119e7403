import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { AuditInput, MembershipRecord, QueueRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { AppError } from '@acme/util';
import { auditEntry } from '../domain/audit.js';
import type { ChangeOrigin } from '../domain/change-origin.js';
import type { EventPayload } from '../domain/events.js';
import { actorFacts, userFacts } from '../domain/facts.js';
import { offeredRates } from '../domain/offering.js';
import { priceOf } from '../domain/price.js';
import { decide, requireWhoMayAct, type UseCaseContext } from './use-case-context.js';

/** A queue with its members, and the decision of the change. */
export interface QueueMembers {
  queue: QueueRecord;
  members: MembershipRecord[];
  decision: Decision;
}

/** ALREADY_EXISTS when the account has a queue of this kind and name. */
export async function requireFreeQueueName(ctx: UseCaseContext, kind: QueueRecord['kind'], name: string) {
  if (await ctx.tx.queueByName(ctx.account.id, kind, name)) {
    throw new AppError('already_exists', `a ${kind} queue named "${name}" already exists`, {
      reason: 'ALREADY_EXISTS',
    });
  }
}

/** A change of contact-center queues, as the queue_membership rules see it. */
export interface MembershipChange {
  change: 'add' | 'remove' | 'remove_all' | 'create_queue' | 'rename_queue' | 'delete_queue';
  queueKind: QueueRecord['kind'] | '';
  role: MembershipRecord['role'] | '';
  /** The member concerned; '' for a change of the queue itself. */
  userId: string;
  /** The user's queue memberships before and after the change. */
  before: number;
  after: number;
}

/**
 * The queue_membership decision: who may manage queues, who may join one, and when Contact Center
 * billing starts or stops. `authorized: false` when the caller was authorized at another point
 * (a license removal that also takes the user out of every queue): who may act here is asked too.
 */
export async function decideMembership(
  ctx: UseCaseContext,
  c: MembershipChange,
  options: { authorized: boolean } = { authorized: true },
): Promise<Decision> {
  if (!options.authorized)
    await requireWhoMayAct(ctx.rules, 'queue_membership', ctx.principal, ctx.account, {
      trail: ctx.decisions,
      now: ctx.now,
    });
  const licenses = c.userId ? await ctx.tx.assignmentsOfUser(c.userId) : [];
  return decide(ctx, 'queue_membership', {
    ...actorFacts(ctx.principal, ctx.account),
    request: { change: c.change, queueKind: c.queueKind, role: c.role },
    user: userFacts({ id: c.userId }, licenses, { before: c.before, after: c.after }),
  });
}

/**
 * Applies a membership decision's billing effects: the first queue starts Contact Center billing,
 * the last stops it. Licensing records who is billed since when and by which rules (the billable
 * state), and the events carry the same to billing. A start for a user billed already, or a stop
 * for one who is not, changes nothing: the record and the ledger never disagree.
 */
export async function applyBillingEffects(
  ctx: UseCaseContext,
  decision: Decision,
  queueId: string,
): Promise<EventPayload[]> {
  const events: EventPayload[] = [];
  for (const effect of decision.effects) {
    const userId = effect.userId ?? '';
    const productId = effect.productId ?? '';
    if (effect.type === 'billing_start' && !(await ctx.tx.contactCenterBilling(userId))) {
      const price = await accountPrice(ctx, productId, effect.ruleId);
      await ctx.tx.startContactCenterBilling({
        accountId: ctx.account.id,
        userId,
        productId,
        since: ctx.now,
        ruleIds: [effect.ruleId],
        causationId: ctx.requestId,
      });
      events.push({
        case: 'contactCenterBillingStarted',
        value: {
          userId,
          queueId,
          productId,
          effectiveTime: timestampFromDate(ctx.now),
          price,
          ruleIds: [effect.ruleId],
        },
      });
    }
    if (effect.type === 'billing_stop' && (await ctx.tx.contactCenterBilling(userId))) {
      await ctx.tx.stopContactCenterBilling(userId);
      events.push({
        case: 'contactCenterBillingStopped',
        value: { userId, productId, effectiveTime: timestampFromDate(ctx.now), ruleIds: [effect.ruleId] },
      });
    }
  }
  return events;
}

/**
 * The account's rate for a product billing starts for: its subscription's, else its offering's. An
 * account not offered the product (a Zendesk-style account has no Contact Center) is refused.
 */
async function accountPrice(ctx: UseCaseContext, productId: string, ruleId: string) {
  const [product] = await ctx.tx.products([productId]);
  if (!product) throw new Error(`rule ${ruleId} starts billing for ${productId}, which is no product of the catalog`);
  const [subscription] = await ctx.tx.subscriptions(ctx.account.id, [productId]);
  const rate = subscription ?? (await offeredRates(ctx.tx, ctx.account, [product])).get(productId);
  return priceOf(product, rate);
}

/** The audit entry of a member leaving a queue (one per queue, however they left). */
export const memberRemovedAudit = (origin: ChangeOrigin, m: Omit<MembershipRecord, 'queueKind'>): AuditInput =>
  auditEntry(
    origin,
    'queue.member_removed',
    { type: 'queue', id: m.queueId },
    { userId: m.userId, role: m.role },
    null,
  );
