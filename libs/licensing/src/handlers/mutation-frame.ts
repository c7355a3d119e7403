import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import type { Principal } from '@acme/auth';
import type { AccountRecord, Database, LicenseBook } from '@acme/licensing-data-access';
import type { DecisionPoint, RuleSet } from '@acme/rules';
import { AppError } from '@acme/util';
import { resolveAccountId } from '../account-scope.js';
import { decisionError, refuseUndecidable } from '../domain/decision-outcome.js';
import { whoMayAct, type UseCaseContext } from '../use-cases/use-case-context.js';
import { reportSeatThresholds } from '../use-cases/report-seat-thresholds.js';
import { callerKey, checkIdempotencyKey, remember, replay, requestHash } from './idempotency.js';
import type { RequestProblems } from './validation.js';
import type { DecisionTrail } from '../decision-log/decision-trail.js';
import type { DecisionLogWriter } from '../decision-log/decision-log-writer.js';

export interface MutationDeps {
  db: Database;
  /** The active rule set (reloaded on change); a call takes it once and decides with it throughout. */
  rules: () => RuleSet;
  /** Injectable clock, so retention windows and timestamps are testable. */
  now: () => Date;
  /** Where every decision of a call goes when the call ends (absent: decisions are not logged). */
  decisionLog?: DecisionLogWriter;
}

export interface MutationRequest {
  /** The account acted on; absent when the call creates it (`creates`). */
  accountId?: string;
  idempotencyKey: string;
  validateOnly: boolean;
}

export interface MutationSpec<Q extends DescMessage, R extends DescMessage> {
  /** RPC name, stored with idempotency records so a key cannot cross methods. */
  method: string;
  requestSchema: Q;
  responseSchema: R;
  request: MessageShape<Q> & MutationRequest;
  principal: Principal;
  requestId: string;
  /** Problems found in the request fields so far; the idempotency key is checked here too. */
  problems: RequestProblems;
  /** The user (and products) the change is about, read up front with the account in one round trip. */
  prefetch?: { userId?: string; productIds?: string[] };
  /**
   * The decision point whose who-may-act rules say, from the caller and the account alone, whether
   * this caller may attempt the change at all (RuleSet.authorize).
   */
  authorizeAt: DecisionPoint;
  /**
   * The account this call creates (CreateAccount): it stands for the account throughout, who may
   * act is decided from it, and the use case writes it.
   */
  creates?: AccountRecord;
  /**
   * Where a caller refused at `authorizeAt` may go instead (CreateQuote: to sales). The use case
   * learns it from `ctx.redirected`, which holds the refusal the caller is owed an explanation of.
   */
  otherwiseAt?: DecisionPoint;
}

/**
 * What every mutation RPC shares, in this order: every field problem of the request reported
 * together; account confinement; the account read and the who-may-act decision, before anything
 * else of the account is read or answered (a caller who may not act learns nothing: not which
 * users exist, not whether an idempotency key was used); idempotent replay of the caller's own key
 * (same key + same request = first response; a different request = refused); then the use case
 * in one transaction with its audit and outbox rows, the seat-usage notices it caused, and
 * validate_only as a rollback. A decision
 * the rules cannot compute refuses the change (POLICY_UNAVAILABLE), never INTERNAL.
 */
export async function runMutation<Q extends DescMessage, R extends DescMessage>(
  deps: MutationDeps,
  spec: MutationSpec<Q, R>,
  useCase: (ctx: UseCaseContext) => Promise<MessageShape<R>>,
): Promise<MessageShape<R>> {
  const { request, problems, principal } = spec;
  const keyProblem = checkIdempotencyKey(request.idempotencyKey);
  if (keyProblem) problems.add('idempotency_key', keyProblem);
  problems.throwIfAny();
  const accountId = spec.creates?.id ?? resolveAccountId(principal, request.accountId ?? '');
  const hash = requestHash(spec.requestSchema, request);
  const now = deps.now();
  const rules = deps.rules();
  const key = request.idempotencyKey ? callerKey(principal.subject, request.idempotencyKey) : '';
  // The decisions of the attempt that ended the call (a retried transaction decides again).
  let trail: DecisionTrail = [];
  const decideAndApply = async (tx: LicenseBook): Promise<MessageShape<R>> => {
    trail = [];
    const log = { trail, now };
    await tx.readFirst({ accountId, ...(key ? { idempotencyKey: key } : {}), ...spec.prefetch });
    const account = spec.creates ?? (await tx.account(accountId));
    if (!account) throw AppError.notFound('account', accountId);
    const authorization = await whoMayAct(rules, spec.authorizeAt, principal, account, log);
    const otherwise =
      !authorization.allowed && spec.otherwiseAt
        ? await whoMayAct(rules, spec.otherwiseAt, principal, account, log)
        : null;
    if (!authorization.allowed && !otherwise?.allowed) throw decisionError(authorization, accountId);
    const redirected = otherwise?.allowed ? { to: spec.otherwiseAt!, because: authorization } : undefined;
    if (key) {
      const previous = await replay(tx, accountId, key, spec.method, hash, spec.responseSchema);
      if (previous) return previous;
    }
    const context = { tx, account, principal, rules, now, requestId: spec.requestId, decisions: trail };
    const ctx = redirected ? { ...context, redirected } : context;
    const response = await useCase(ctx).catch(refuseUndecidable);
    // Whatever the change, seat usage that crossed a threshold of the rule data is told once.
    await reportSeatThresholds(ctx);
    if (key && !request.validateOnly)
      remember(tx, accountId, key, spec.method, hash, spec.responseSchema, response, now);
    return response;
  };
  try {
    return await deps.db.transaction(decideAndApply, { dryRun: request.validateOnly });
  } finally {
    // Allowed or refused, committed or rolled back: every decision the call made is logged.
    if (deps.decisionLog && trail.length > 0)
      deps.decisionLog.record(trail, { accountId, requestId: spec.requestId, principal, dryRun: request.validateOnly });
  }
}
