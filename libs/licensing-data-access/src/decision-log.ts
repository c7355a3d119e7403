import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
/** Where a statement runs (dialectOf). */
type Dialect = 'postgres' | 'libsql';
import { DecisionRecord } from './models/index.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

/** A rule that fired, as a decision names it. */
export interface FiredRule {
  ruleId: string;
  message: string;
}

/** One decision of the policy rules, as the decision log keeps it. */
export interface DecisionLogRecord {
  /** `dec_…` */
  id: string;
  accountId: string;
  requestId: string;
  point: string;
  /** `who_may_act` (from the caller and the account alone) or `rules` (the rest of the point). */
  stage: 'who_may_act' | 'rules';
  allowed: boolean;
  /** The call was validate_only: nothing was changed. */
  dryRun: boolean;
  ruleSetVersion: string;
  actor: string;
  actorKind: 'user' | 'service';
  /** The facts decided on, without `params` (the rule set's data files give those). */
  facts: Record<string, unknown>;
  violations: FiredRule[];
  warnings: FiredRule[];
  /** The decision's effects as the rules rendered them (type, code, productId, userIds, ruleId, message, …). */
  effects: Record<string, unknown>[];
  decidedAt: Date;
}

/** Which decisions: by request, decision point, outcome and time, [from, to). */
export interface DecisionFilter {
  requestId?: string;
  point?: string;
  deniedOnly?: boolean;
  from?: Date;
  to?: Date;
}

const toRecord = (row: DecisionRecord): DecisionLogRecord => {
  const outcome = row.outcome as Pick<DecisionLogRecord, 'violations' | 'warnings' | 'effects'>;
  return {
    id: row.id,
    accountId: row.accountId,
    requestId: row.requestId,
    point: row.point,
    stage: row.stage as DecisionLogRecord['stage'],
    allowed: row.allowed,
    dryRun: row.dryRun,
    ruleSetVersion: row.ruleSetVersion,
    actor: row.actor,
    actorKind: row.actorKind as DecisionLogRecord['actorKind'],
    facts: row.facts,
    violations: outcome.violations ?? [],
    warnings: outcome.warnings ?? [],
    effects: outcome.effects ?? [],
    decidedAt: row.decidedAt,
  };
};

/**
 * A decision to append, its facts and outcome already JSON: the service copies them to JSON when
 * the decision is made (the use case goes on changing its objects), and they go to the database
 * as they are, never parsed and written again.
 */
export type DecisionLogInsert = Omit<DecisionLogRecord, 'facts' | 'violations' | 'warnings' | 'effects'> & {
  factsJson: string;
  /** `{violations, warnings, effects}` */
  outcomeJson: string;
};

const COLUMNS =
  'id, account_id, request_id, point, stage, allowed, dry_run, rule_set_version, actor, actor_kind, facts, outcome, decided_at';

/**
 * Appends decisions in one multi-row insert, outside any mutation's transaction. Plain SQL rather
 * than the unit of work: a batch of a few hundred rows is one statement, with no entity built.
 * Values are typed as MikroORM stores them on each database (libsql: booleans and times as numbers).
 */
export async function appendDecisions(em: Em, dialect: Dialect, rows: DecisionLogInsert[]): Promise<void> {
  if (rows.length === 0) return;
  const postgres = dialect === 'postgres';
  const values = rows.flatMap((r) => [
    r.id,
    r.accountId,
    r.requestId,
    r.point,
    r.stage,
    postgres ? r.allowed : Number(r.allowed),
    postgres ? r.dryRun : Number(r.dryRun),
    r.ruleSetVersion,
    r.actor,
    r.actorKind,
    r.factsJson,
    r.outcomeJson,
    postgres ? r.decidedAt : r.decidedAt.getTime(),
  ]);
  const row = `(${Array.from({ length: 13 }, () => '?').join(', ')})`;
  await em.execute(`insert into decision_log (${COLUMNS}) values ${rows.map(() => row).join(', ')}`, values, 'run');
}

/** Newest first, keyset-paged on (decidedAt, id) so decisions logged meanwhile never shift a page. */
export async function listDecisions(
  em: Em,
  accountId: string,
  filter: DecisionFilter,
  page: { pageSize: number; pageToken?: string },
): Promise<{ decisions: DecisionLogRecord[]; nextPageToken: string | null }> {
  const cursor = page.pageToken ? decodeDecisionToken(page.pageToken) : null;
  const time = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
  const rows = await em.find(
    DecisionRecord,
    {
      accountId,
      ...(filter.requestId ? { requestId: filter.requestId } : {}),
      ...(filter.point ? { point: filter.point } : {}),
      ...(filter.deniedOnly ? { allowed: false } : {}),
      ...(filter.from || filter.to ? { $and: [{ decidedAt: time }] } : {}),
      ...(cursor ? { $or: [{ decidedAt: { $lt: cursor.at } }, { decidedAt: cursor.at, id: { $lt: cursor.id } }] } : {}),
    },
    { orderBy: { decidedAt: 'desc', id: 'desc' }, limit: page.pageSize + 1 },
  );
  const decisions = rows.slice(0, page.pageSize).map(toRecord);
  const last = decisions[decisions.length - 1];
  return {
    decisions,
    nextPageToken:
      rows.length > page.pageSize && last
        ? Buffer.from(`d1:${last.decidedAt.getTime()}:${last.id}`).toString('base64url')
        : null,
  };
}

function decodeDecisionToken(token: string): { at: Date; id: string } {
  const match = /^d1:(\d{1,15}):(dec_[a-z0-9]{26})$/.exec(Buffer.from(token, 'base64url').toString());
  // A forged token matches nothing rather than restarting from the top; only an id-shaped value reaches SQL.
  return match && Number(match[1]) <= MAX_TOKEN_TIME_MS
    ? { at: new Date(Number(match[1])), id: match[2]! }
    : { at: new Date(0), id: '' };
}

const MAX_TOKEN_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Decisions from `from` on, oldest first, `limit` at a time after `after` (the last one read):
 * what an impact report replays. Every account, or one.
 */
export async function decisionsSince(
  em: Em,
  query: { from: Date; accountId?: string; after?: { at: Date; id: string }; limit: number },
): Promise<DecisionLogRecord[]> {
  const { after } = query;
  const rows = await em.find(
    DecisionRecord,
    {
      decidedAt: { $gte: query.from },
      ...(query.accountId ? { accountId: query.accountId } : {}),
      ...(after ? { $or: [{ decidedAt: { $gt: after.at } }, { decidedAt: after.at, id: { $gt: after.id } }] } : {}),
    },
    { orderBy: { decidedAt: 'asc', id: 'asc' }, limit: query.limit },
  );
  return rows.map(toRecord);
}

/** Deletes decisions made before `cutoff` (retention); answers how many. */
export function purgeDecisionsBefore(em: Em, cutoff: Date): Promise<number> {
  return em.nativeDelete(DecisionRecord, { decidedAt: { $lt: cutoff } });
}
