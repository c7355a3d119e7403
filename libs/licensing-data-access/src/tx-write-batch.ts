import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { executeBound } from '@acme/persistence';
import { CHANGES_CHANNEL } from './change-feed.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

interface AssignmentRow { id: string; account_id: string; user_id: string; product_id: string; features: Record<string, boolean>; created_at: string }
interface AuditRow { id: string; account_id: string; actor: string; action: string; resource_type: string; resource_id: string; before: unknown; after: unknown; causation_id: string; occurred_at: string }
interface OutboxRow { id: string; account_id: string; sequence: number; relay_shard: number; event_type: string; payload: string; occurred_at: string }
interface IdempotencyRow { id: string; method: string; request_hash: string; response: string; created_at: string }
interface SequenceRow { id: string; event_sequence: number }

/**
 * PostgreSQL: the rows a mutation appends (assignments, audit entries, outbox events, its
 * idempotency record), held until the end of the transaction and written in one statement
 * together with the change notifications, instead of one INSERT per table and one NOTIFY. Each
 * table's rows travel as one JSON parameter, whatever their number.
 */
export class WriteBatch {
  readonly assignments: AssignmentRow[] = [];
  readonly audit: AuditRow[] = [];
  readonly outbox: OutboxRow[] = [];
  readonly idempotency: IdempotencyRow[] = [];
  /** Accounts whose event sequence moved on (their rows are locked by this transaction). */
  readonly sequences = new Map<string, number>();

  get isEmpty(): boolean {
    return this.assignments.length + this.audit.length + this.outbox.length + this.idempotency.length + this.sequences.size === 0;
  }

  /**
   * Writes everything held and notifies other instances of the changed accounts (delivered at
   * commit), then forgets the rows. Returns the transaction id, which a lost COMMIT is resolved by.
   */
  async flush(em: Em, changedAccounts: string[]): Promise<string> {
    const sequences: SequenceRow[] = [...this.sequences].map(([id, event_sequence]) => ({ id, event_sequence }));
    const params = [sequences, this.assignments, this.audit, this.outbox, this.idempotency, changedAccounts].map((rows) => JSON.stringify(rows));
    const [row] = await executeBound<{ xid: string }>(em, FLUSH_SQL, params);
    this.assignments.length = this.audit.length = this.outbox.length = this.idempotency.length = 0;
    this.sequences.clear();
    return row!.xid;
  }
}

const FLUSH_SQL = `
with sequences as (
  update account set event_sequence = r.event_sequence
  from json_to_recordset($1::json) as r(id text, event_sequence int)
  where account.id = r.id
  returning 1
), assignments as (
  insert into assignment (id, account_id, user_id, product_id, features, created_at)
  select id, account_id, user_id, product_id, features, created_at
  from json_to_recordset($2::json) as r(id text, account_id text, user_id text, product_id text, features jsonb, created_at timestamptz)
  returning 1
), audit as (
  insert into audit_entry (id, account_id, actor, action, resource_type, resource_id, before, after, causation_id, occurred_at)
  select id, account_id, actor, action, resource_type, resource_id, before, after, causation_id, occurred_at
  from json_to_recordset($3::json) as r(id text, account_id text, actor text, action text, resource_type text, resource_id text, before jsonb, after jsonb, causation_id text, occurred_at timestamptz)
  returning 1
), outbox as (
  insert into outbox_event (id, account_id, sequence, relay_shard, event_type, payload, occurred_at, published_at)
  select id, account_id, sequence, relay_shard, event_type, decode(payload, 'base64'), occurred_at, null
  from json_to_recordset($4::json) as r(id text, account_id text, sequence int, relay_shard smallint, event_type text, payload text, occurred_at timestamptz)
  returning 1
), idempotency as (
  insert into idempotency_record (id, method, request_hash, response, created_at)
  select id, method, request_hash, decode(response, 'base64'), created_at
  from json_to_recordset($5::json) as r(id text, method text, request_hash text, response text, created_at timestamptz)
  returning 1
), notified as (
  select pg_notify('${CHANGES_CHANNEL}', account) from json_array_elements_text($6::json) as account
)
select pg_current_xact_id()::text as xid, (select count(*) from notified) as notified`;
