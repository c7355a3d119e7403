import { create, type JsonObject } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ListDecisionsResponseSchema,
  PolicyDecisionSchema,
  type LicensingService,
  type PolicyDecision,
} from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { ServiceHandlers } from '@acme/grpc';
import { FIELD_LIMITS, type DecisionLogRecord } from '@acme/licensing-data-access';
import { DECISION_POINTS } from '@acme/rules';
import { AppError } from '@acme/util';
import { resolveAccountId } from '../account-scope.js';
import type { LicensingStore } from '../store.js';
import { RequestProblems } from './validation.js';
import { readPage } from './paging.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;

/** Users who read their account's decision log: its administrators. */
const DECISION_READER_ROLES = ['super_admin', 'admin', 'owner'];

/**
 * The decision log of an account, newest first: administrators of the account, and back-office
 * services with decisions:read (checked with the other read scopes, account-scope.ts: services
 * need it instead of licenses:read, since decisions hold every fact the rules saw). Who may read
 * is settled before the request is looked at.
 */
export function createDecisionHandlers(store: LicensingStore): Pick<Handlers, 'listDecisions'> {
  return {
    async listDecisions(request, { principal }) {
      requireDecisionReader(principal);
      const problems = new RequestProblems();
      if (request.requestId.length > FIELD_LIMITS.causationId)
        problems.add('request_id', `at most ${FIELD_LIMITS.causationId} characters`);
      if (request.decisionPoint && !(DECISION_POINTS as readonly string[]).includes(request.decisionPoint))
        problems.add('decision_point', `one of ${DECISION_POINTS.join(', ')}`);
      const from = problems.time('start_time', request.startTime);
      const to = problems.time('end_time', request.endTime);
      if (from && to && to <= from) problems.add('end_time', 'must be after start_time');
      problems.throwIfAny();
      const accountId = resolveAccountId(principal, request.accountId);
      const listed = await store.decisions.list(
        accountId,
        {
          ...(request.requestId ? { requestId: request.requestId } : {}),
          ...(request.decisionPoint ? { point: request.decisionPoint } : {}),
          ...(request.deniedOnly ? { deniedOnly: true } : {}),
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
        },
        readPage(request),
      );
      return create(ListDecisionsResponseSchema, {
        decisions: listed.decisions.map(toPolicyDecision),
        nextPageToken: listed.nextPageToken ?? '',
      });
    },
  };
}

/** A service's scope was checked by requireReadScope (readScopesOf); a user must administer the account. */
function requireDecisionReader(principal: Principal): void {
  if (principal.kind === 'service') return;
  if (!principal.roles.some((role) => DECISION_READER_ROLES.includes(role)))
    throw new AppError('permission_denied', "only the account's administrators read its decisions", {
      reason: 'PERMISSION_DENIED',
      metadata: { required_roles: DECISION_READER_ROLES.join(',') },
    });
}

type RecordedEffect = Record<string, unknown> & { type: string; ruleId: string };

export const toPolicyDecision = (d: DecisionLogRecord): PolicyDecision =>
  create(PolicyDecisionSchema, {
    id: d.id,
    accountId: d.accountId,
    requestId: d.requestId,
    decisionPoint: d.point,
    stage: d.stage,
    allowed: d.allowed,
    dryRun: d.dryRun,
    ruleSetVersion: d.ruleSetVersion,
    actor: d.actor,
    actorKind: d.actorKind,
    // protobuf-es represents google.protobuf.Struct fields as plain JSON objects.
    facts: d.facts as JsonObject,
    violations: d.violations,
    warnings: d.warnings,
    effects: (d.effects as RecordedEffect[]).map((e) => ({
      type: e.type,
      code: typeof e.code === 'string' ? e.code : '',
      productId: typeof e.productId === 'string' ? e.productId : '',
      userIds: Array.isArray(e.userIds) ? (e.userIds as string[]) : typeof e.userId === 'string' ? [e.userId] : [],
      ruleId: e.ruleId,
      message: typeof e.message === 'string' ? e.message : '',
      ...(typeof e.until === 'string' ? { until: timestampFromDate(new Date(e.until)) } : {}),
    })),
    decideTime: timestampFromDate(d.decidedAt),
  });
