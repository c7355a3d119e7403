import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { executeBound } from '@acme/persistence';
import { CHANGES_CHANNEL } from './change-feed.js';
import { SEATS_SHORT_SQLSTATE } from './migrations/20261204000000-seat-shortage-function.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

interface AssignmentRow {
  id: string;
  account_id: string;
  user_id: string;
  product_id: string;
  features: Record<string, boolean>;
  created_at: string;
}
interface AuditRow {
  id: string;
  account_id: string;
  actor: string;
  action: string;
  resource_type: string;
  resource_id: string;
  before: unknown;
  after: unknown;
  causation_id: string;
  occurred_at: string;
}
interface OutboxRow {
  id: string;
  account_id: string;
  sequence: number;
  relay_shard: number;
  event_type: string;
  payload: string;
  occurred_at: string;
  trace_parent: string | null;
}
interface IdempotencyRow {
  id: string;
  method: string;
  request_hash: string;
  response: string;
  created_at: string;
}
interface ReservationRow {
  product_id: string;
  count: number;
}

/** Seats a transaction takes at its next write, and what to throw if they are not free then. */
interface Reservation {
  row: ReservationRow;
  onShortage: () => Error;
}

/**
 * PostgreSQL: the rows a mutation appends (assignments, audit entries, outbox events, its
 * idempotency record), held until the end of the transaction and written in one statement
 * together with the change notifications, instead of one INSERT per table and one NOTIFY. Each
 * table's rows travel as one JSON parameter, whatever their number.
 *
 * The two counters it moves (the event sequence and the seat counters) belong to the one account
 * the transaction locked, named as a plain parameter: joined with JSON rows instead, whose count
 * PostgreSQL cannot know when it plans, the updates scanned every account and subscription.
 */
export class WriteBatch {
  private readonly assignments: AssignmentRow[] = [];
  private readonly audit: AuditRow[] = [];
  private readonly outbox: OutboxRow[] = [];
  private readonly idempotency: IdempotencyRow[] = [];
  /** The account whose counters this batch moves (the one the transaction locked). */
  private account: string | null = null;
  /** The account's new last event sequence, when it moved on. */
  private sequence: number | null = null;
  /** Guarded seat updates of the account, by product (taken when the rows are written). */
  private readonly reservations = new Map<string, Reservation>();

  /* The rows come as the entities' fields (what em.create takes on libsql); held as the columns. */
  addAssignment(a: {
    id: string;
    account: string;
    user: string;
    product: string;
    features: Record<string, boolean>;
    createdAt: Date;
  }): void {
    this.assignments.push({
      id: a.id,
      account_id: a.account,
      user_id: a.user,
      product_id: a.product,
      features: a.features,
      created_at: a.createdAt.toISOString(),
    });
  }

  addAudit(e: {
    id: string;
    account: string;
    actor: string;
    action: string;
    resourceType: string;
    resourceId: string;
    before: unknown;
    after: unknown;
    causationId: string;
    occurredAt: Date;
  }): void {
    this.audit.push({
      id: e.id,
      account_id: e.account,
      actor: e.actor,
      action: e.action,
      resource_type: e.resourceType,
      resource_id: e.resourceId,
      before: e.before,
      after: e.after,
      causation_id: e.causationId,
      occurred_at: e.occurredAt.toISOString(),
    });
  }

  addOutboxEvent(e: {
    id: string;
    account: string;
    sequence: number;
    relayShard: number;
    eventType: string;
    payload: Buffer;
    occurredAt: Date;
    traceParent: string | null;
  }): void {
    this.outbox.push({
      id: e.id,
      account_id: e.account,
      sequence: e.sequence,
      relay_shard: e.relayShard,
      event_type: e.eventType,
      payload: e.payload.toString('base64'),
      occurred_at: e.occurredAt.toISOString(),
      trace_parent: e.traceParent,
    });
  }

  addIdempotency(r: { id: string; method: string; requestHash: string; response: Buffer; createdAt: Date }): void {
    this.idempotency.push({
      id: r.id,
      method: r.method,
      request_hash: r.requestHash,
      response: r.response.toString('base64'),
      created_at: r.createdAt.toISOString(),
    });
  }

  get isEmpty(): boolean {
    return (
      this.assignments.length +
        this.audit.length +
        this.outbox.length +
        this.idempotency.length +
        this.reservations.size ===
        0 && this.sequence === null
    );
  }

  /** Moves the locked account's event sequence on to `last` when the rows are written. */
  advanceSequence(accountId: string, last: number): void {
    this.bind(accountId);
    this.sequence = last;
  }

  /**
   * Takes `count` seats of a product with the rows, in the same statement: the counter moves only
   * if the seats are free then (`assigned + count <= purchased`, re-checked on the current row
   * under its lock), and `write` throws `onShortage()` otherwise, which rolls the whole
   * transaction back. One round trip fewer than a separate UPDATE per assignment.
   */
  reserveSeats(accountId: string, productId: string, count: number, onShortage: () => Error): void {
    this.bind(accountId);
    const held = this.reservations.get(productId);
    if (held) held.row.count += count;
    else this.reservations.set(productId, { row: { product_id: productId, count }, onShortage });
  }

  /** Seats of `productId` this batch will take at its next write (0 when none are held). */
  heldSeats(accountId: string, productId: string): number {
    return this.account === accountId ? (this.reservations.get(productId)?.row.count ?? 0) : 0;
  }

  /** A mutation changes one account; a second one here would be a programming error, not a shortage. */
  private bind(accountId: string): void {
    if (this.account === null) this.account = accountId;
    else if (this.account !== accountId)
      throw new Error(`a write batch moves the counters of one account (${this.account}), not also of ${accountId}`);
  }

  /**
   * Writes everything held and notifies other instances of the changed accounts (delivered at
   * commit), then forgets the rows. Returns the transaction id, which a lost COMMIT is resolved by.
   * A reservation whose seats are taken fails the statement, so nothing of it stays, and throws
   * that reservation's `onShortage()`.
   */
  async write(em: Em, changedAccounts: string[]): Promise<string> {
    const reservations = [...this.reservations.values()];
    const rows = [
      this.assignments,
      this.audit,
      this.outbox,
      this.idempotency,
      changedAccounts,
      reservations.map((r) => r.row),
    ].map((r) => JSON.stringify(r));
    const params = [this.account, this.sequence, ...rows, reservations.length];
    this.assignments.length = this.audit.length = this.outbox.length = this.idempotency.length = 0;
    this.sequence = null;
    this.reservations.clear();
    try {
      const [row] = await executeBound<{ xid: string }>(em, FLUSH_SQL, params);
      return row!.xid;
    } catch (error) {
      throw seatShortage(error, reservations) ?? error;
    }
  }
}

/** The shortage error of the first reservation the statement could not take, when that is why it failed. */
function seatShortage(error: unknown, reservations: Reservation[]): Error | null {
  const { code, detail } = error as { code?: string; detail?: string };
  if (code !== SEATS_SHORT_SQLSTATE) return null;
  const reserved = new Set(JSON.parse(detail ?? '[]') as string[]);
  return (reservations.find((r) => !reserved.has(r.row.product_id)) ?? reservations[0])?.onShortage() ?? null;
}

const FLUSH_TEXT =
  `
with sequence as (
  update account set event_sequence = $2::int where id = $1::text and $2::int is not null
  returning 1
), assignments as (
  insert into assignment (id, account_id, user_id, product_id, features, created_at)
  select id, account_id, user_id, product_id, features, created_at
  from json_to_recordset($3::json) as r(id text, account_id text, user_id text, product_id text, features jsonb, created_at timestamptz)
  returning 1
), audit as (
  insert into audit_entry (id, account_id, actor, action, resource_type, resource_id, before, after, causation_id, occurred_at)
  select id, account_id, actor, action, resource_type, resource_id, before, after, causation_id, occurred_at
  from json_to_recordset($4::json) as r(id text, account_id text, actor text, action text, ` +
  `resource_type text, resource_id text, before jsonb, after jsonb, causation_id text, occurred_at ` +
  `timestamptz)
  returning 1
), outbox as (
  insert into outbox_event (id, account_id, sequence, relay_shard, event_type, payload, occurred_at, published_at, trace_parent)
  select id, account_id, sequence, relay_shard, event_type, decode(payload, 'base64'), occurred_at, null, trace_parent
  from json_to_recordset($5::json) as r(id text, account_id text, sequence int, relay_shard smallint, event_type text, payload text, occurred_at timestamptz, trace_parent text)
  returning 1
), idempotency as (
  insert into idempotency_record (id, method, request_hash, response, created_at)
  select id, method, request_hash, decode(response, 'base64'), created_at
  from json_to_recordset($6::json) as r(id text, method text, request_hash text, response text, created_at timestamptz)
  returning 1
), notified as (
  select pg_notify('${CHANGES_CHANNEL}', account) from json_array_elements_text($7::json) as account
), reserved as (
  update subscription s set assigned_seats = s.assigned_seats + r.count
  from json_to_recordset($8::json) as r(product_id text, count int)
  where s.account_id = $1::text and s.product_id = r.product_id and s.assigned_seats + r.count <= s.purchased_seats
  returning s.product_id
)
select pg_current_xact_id()::text as xid, (select count(*) from notified) as notified,
  licensing_require_seats((select coalesce(json_agg(product_id), '[]'::json) from reserved), $9::int) as reserved`;

/** The statement `write` runs (exported for the test of its plan). */
export const FLUSH_SQL = FLUSH_TEXT;
