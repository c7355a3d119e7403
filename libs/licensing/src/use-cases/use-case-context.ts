import type { Principal } from '@acme/auth';
import type { AccountRecord, AuditInput, LicenseBook, QueueRecord, UserRecord } from '@acme/licensing-data-access';
import { AppError } from '@acme/util';
import type { Decision, DecisionPoint, RuleSet } from '@acme/rules';
import { originOf, type ChangeOrigin } from '../domain/change-origin.js';
import { outboxEvents, type EventPayload } from '../domain/events.js';
import { decisionError, refuseUndecidable } from '../domain/decision-outcome.js';
import { actorFacts } from '../domain/facts.js';
import { noteDecision, type DecisionTrail } from '../decision-log/decision-trail.js';

/**
 * What a use case works with: one transaction on one account, the caller (already authorized by
 * the who-may-act rules), the rule set of this call and its clock. A use case reads, decides,
 * applies, audits and records its events through these, top to bottom.
 */
export interface UseCaseContext {
  tx: LicenseBook;
  account: AccountRecord;
  principal: Principal;
  /** The rule set of this call: every decision of one call comes from the same version. */
  rules: RuleSet;
  now: Date;
  /** The request id, recorded as the causation of every audit entry and event. */
  requestId: string;
  /**
   * Set when who-may-act refused the call at its own decision point and allowed it at the one it
   * may go to instead (a purchase becomes a request to sales): where, and the refusal.
   */
  redirected?: { to: DecisionPoint; because: Decision };
  /** Every decision of the call, allowed or not, for the decision log (absent where nothing is logged: the demo seed). */
  decisions?: DecisionTrail;
}

export const originOfCall = (ctx: UseCaseContext): ChangeOrigin =>
  originOf(ctx.principal, ctx.account.id, ctx.requestId, ctx.now);

/**
 * Who may act at `point`, from the caller and the account alone (RuleSet.authorize): asked before
 * anything else of the account is read. A decision the rules cannot compute is POLICY_UNAVAILABLE.
 */
export async function whoMayAct(
  rules: RuleSet,
  point: DecisionPoint,
  principal: Principal,
  account: AccountRecord,
  log?: { trail: DecisionTrail | undefined; now: Date },
): Promise<Decision> {
  const facts = actorFacts(principal, account);
  const decision = await rules.authorize(point, facts).catch(refuseUndecidable);
  noteDecision(log?.trail, 'who_may_act', facts, decision, log?.now ?? new Date());
  return decision;
}

/** Who may act at `point`, or the refusal as an error: for steps outside the RPC's frame. */
export async function requireWhoMayAct(
  rules: RuleSet,
  point: DecisionPoint,
  principal: Principal,
  account: AccountRecord,
  log?: { trail: DecisionTrail | undefined; now: Date },
): Promise<void> {
  const authorization = await whoMayAct(rules, point, principal, account, log);
  if (!authorization.allowed) throw decisionError(authorization, account.id);
}

/** The rest of a point's rules (who may act was decided before): the decision, or its refusal. */
export async function decide(
  ctx: UseCaseContext,
  point: DecisionPoint,
  facts: Record<string, unknown>,
): Promise<Decision> {
  const decision = await ctx.rules.decide(point, facts, { authorized: true });
  noteDecision(ctx.decisions, 'rules', facts, decision, ctx.now);
  if (!decision.allowed) throw decisionError(decision, ctx.account.id);
  return decision;
}

/** Writes a change's audit entries and events, in that order. */
export async function record(ctx: UseCaseContext, audit: AuditInput[], events: EventPayload[]): Promise<void> {
  if (audit.length > 0) ctx.tx.appendAudit(audit);
  if (events.length > 0) await ctx.tx.appendEvents(ctx.account.id, outboxEvents(originOfCall(ctx), events));
}

/** The account's user `userId`, or NOT_FOUND. */
export async function requireUser(ctx: UseCaseContext, userId: string): Promise<UserRecord> {
  const user = await ctx.tx.user(ctx.account.id, userId);
  if (!user) throw AppError.notFound('user', userId);
  return user;
}

/** The account's user `userId` if active; a deactivated user holds nothing and joins nothing until reactivated. */
export async function requireActiveUser(ctx: UseCaseContext, userId: string): Promise<UserRecord> {
  const user = await requireUser(ctx, userId);
  requireActive(user);
  return user;
}

/** FAILED_PRECONDITION (CONFLICT) when the user is deactivated. */
export function requireActive(user: UserRecord): void {
  if (user.deactivatedAt)
    throw new AppError('failed_precondition', `${user.id} is deactivated: reactivate them first (ReactivateUser)`, {
      reason: 'CONFLICT',
      metadata: { user_state: 'deactivated' },
    });
}

/** FAILED_PRECONDITION (CONFLICT) unless the user is deactivated. */
export function requireDeactivated(user: UserRecord): void {
  if (!user.deactivatedAt)
    throw new AppError('failed_precondition', `${user.id} is active: deactivate them first (DeactivateUser)`, {
      reason: 'CONFLICT',
      metadata: { user_state: 'active' },
    });
}

/** The account's queue `queueId`, or NOT_FOUND. */
export async function requireQueue(ctx: UseCaseContext, queueId: string): Promise<QueueRecord> {
  const queue = await ctx.tx.queue(ctx.account.id, queueId);
  if (!queue) throw AppError.notFound('queue', queueId);
  return queue;
}
