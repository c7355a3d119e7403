import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { dialectOf, executeBound, migrateUp, readRetryingLostConnections, type OrmOptions } from '@acme/persistence';
import { createOrm } from './orm.js';
import { LedgerEntry, ProcessedEvent } from './models/index.js';
import type { LedgerEntry as LedgerEntryRecord } from './ledger-entry-record.js';
import { toEntryRecord, toProcessedRecord } from './records.js';
import { entryPage, ledgerPosition, processedEvents, type EntryCursor, type EntryFilter } from './ledger-queries.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

/** Where an event was read from; null when it was handed over in-process. */
export interface EventSource {
  topic: string;
  partition: number;
  offset: string;
}

/** Why an event happened, as its envelope says. */
export interface EventCause {
  occurredAt: Date;
  /** The request that caused it: the licensing audit entries of that request share it. */
  causationId: string;
  actor: { subject: string; kind: 'user' | 'service' | 'system' | 'unspecified' };
  /** The rules whose effects made it (Contact Center billing started or stopped); none otherwise. */
  ruleIds: string[];
}

/** An event the ledger has taken in. */
export interface ProcessedEventRecord {
  eventId: string;
  accountId: string;
  sequence: number;
  eventType: string;
  outcome: 'entries' | 'no_charge';
  source: EventSource | null;
  /** Null on events recorded before the ledger kept causes. */
  cause: EventCause | null;
}

/** One event to record, with the ledger entries it produces (none for `no_charge`). */
export interface EventRecord extends ProcessedEventRecord {
  entries: LedgerEntryRecord[];
}

export interface RecordResult {
  /** Events recorded now, with their entries. */
  recorded: number;
  /** Events that were already recorded (redelivered), or repeated within the batch: ignored. */
  duplicates: number;
}

/** Rows per INSERT: keeps the bound parameters far below PostgreSQL's and SQLite's limits. */
const INSERT_CHUNK = 1000;
/** Attempts when a concurrent consumer recorded one of the same events first. */
const MAX_ATTEMPTS = 5;

/**
 * The billing ledger's tables behind plain functions: `record` is the single write path (one
 * transaction for a batch of events: their ids and all their entries, or nothing), reads return
 * plain records. It knows nothing of licensing tables.
 */
export async function openLedgerDatabase(options: OrmOptions) {
  const orm = await createOrm(options);
  const em = () => orm.em.fork();
  const dialect = dialectOf(options);
  /** A read, again on another connection when its own was lost; `unavailable` when lost every time. */
  const read = <R>(run: (e: Em) => Promise<R>): Promise<R> => readRetryingLostConnections(() => run(em()));
  return {
    dialect,
    /** Applies what is pending (under a lock on PostgreSQL); answers what it applied. */
    migrate: (): Promise<string[]> => migrateUp(orm),
    /**
     * Records events and their ledger entries in one transaction, skipping every event whose id
     * is already recorded. Safe to call again with the same events (at-least-once delivery).
     */
    async record(events: EventRecord[], processedAt: Date): Promise<RecordResult> {
      for (let attempt = 1; ; attempt++) {
        try {
          const record = dialect === 'postgres' ? recordOnPostgres : recordOnce;
          return await em().transactional((tx) => record(tx, events, processedAt));
        } catch (error) {
          // A concurrent consumer (a rebalance hand-over) committed one of these first: look again.
          if (!(error instanceof UniqueConstraintViolationException) || attempt >= MAX_ATTEMPTS) throw error;
        }
      }
    },
    /** An account's entries that take effect before `before` (all when unset), in journal order. */
    async entries(accountId: string, range: { before?: Date } = {}): Promise<LedgerEntryRecord[]> {
      const rows = await read((e) =>
        e.find(
          LedgerEntry,
          { accountId, ...(range.before ? { effectiveAt: { $lt: range.before } } : {}) },
          { orderBy: { effectiveAt: 'asc', sequence: 'asc', id: 'asc' } },
        ),
      );
      return rows.map(toEntryRecord);
    },
    /**
     * Every entry of every account, by id, a page at a time (comparisons, exports), each with
     * where its event was read from.
     */
    async entriesAfter(
      afterId: string | null,
      limit: number,
    ): Promise<(LedgerEntryRecord & { source: EventSource | null })[]> {
      const rows = await read((e) =>
        e.find(LedgerEntry, afterId === null ? {} : { id: { $gt: afterId } }, {
          orderBy: { id: 'asc' },
          limit,
          populate: ['event'],
        }),
      );
      return rows.map((row) => ({ ...toEntryRecord(row), source: toProcessedRecord(row.event).source }));
    },
    /** Every processed event, by id, a page at a time. */
    async processedAfter(afterId: string | null, limit: number): Promise<ProcessedEventRecord[]> {
      const rows = await read((e) =>
        e.find(ProcessedEvent, afterId === null ? {} : { eventId: { $gt: afterId } }, {
          orderBy: { eventId: 'asc' },
          limit,
        }),
      );
      return rows.map(toProcessedRecord);
    },
    /** How far the ledger has read an account's events. */
    position: (accountId: string) => read((e) => ledgerPosition(e, accountId)),
    /** A page of an account's entries, filtered, in ledger order, each with its event. */
    entryPage: (filter: EntryFilter, cursor: EntryCursor | null, limit: number) =>
      read((e) => entryPage(e, filter, cursor, limit)),
    /** The recorded events of these ids, with their causes. */
    processedEvents: (eventIds: readonly string[]) => read((e) => processedEvents(e, eventIds)),
    async counts(): Promise<{ processedEvents: number; ledgerEntries: number }> {
      const [processedEvents, ledgerEntries] = await Promise.all([
        em().count(ProcessedEvent, {}),
        em().count(LedgerEntry, {}),
      ]);
      return { processedEvents, ledgerEntries };
    },
    /**
     * SQL that would bring the schema in line with the entities; empty when migrations match.
     * The immutability triggers are left out: their body differs per platform, which MikroORM's
     * trigger metadata cannot say, so they live in the migration alone.
     */
    async pendingSchemaChanges(): Promise<string> {
      const sql = await orm.schema.getUpdateSchemaSQL({ wrap: false });
      return sql
        .split('\n')
        .filter((line) => !/^drop (trigger|function) if exists .*ledger_entry/.test(line))
        .join('\n')
        .trim();
    },
    close: () => orm.close(true),
  };
}

export type LedgerDatabase = Awaited<ReturnType<typeof openLedgerDatabase>>;

/** A batch may carry one event twice (redelivered next to itself): the first copy counts. */
function firstOfEach(events: EventRecord[]): EventRecord[] {
  const seen = new Set<string>();
  return events.filter((e) => !seen.has(e.eventId) && seen.add(e.eventId));
}

/**
 * PostgreSQL: the whole batch in one statement. The rows travel column by column, one array
 * parameter per column (29 bound values, whatever the batch size), which PostgreSQL reads back
 * with `unnest`: cheaper for both sides than JSON rows, whose keys repeat on every row and which
 * PostgreSQL parses twice. ON CONFLICT DO NOTHING skips events recorded before (and waits for,
 * then skips, one a concurrent consumer is recording), and only the events it inserted get their
 * entries.
 */
async function recordOnPostgres(tx: Em, events: EventRecord[], processedAt: Date): Promise<RecordResult> {
  const unique = firstOfEach(events);
  const entries = unique.flatMap((e) => e.entries);
  const eventColumns = [
    unique.map((e) => e.eventId),
    unique.map((e) => e.accountId),
    unique.map((e) => e.sequence),
    unique.map((e) => e.eventType),
    unique.map((e) => e.outcome),
    unique.map((e) => e.source?.topic ?? null),
    unique.map((e) => e.source?.partition ?? null),
    unique.map((e) => e.source?.offset ?? null),
    unique.map((e) => e.cause?.occurredAt.toISOString() ?? null),
    unique.map((e) => e.cause?.causationId ?? null),
    unique.map((e) => e.cause?.actor.subject ?? null),
    unique.map((e) => e.cause?.actor.kind ?? null),
    unique.map((e) => (e.cause ? JSON.stringify(e.cause.ruleIds) : null)),
  ];
  const entryColumns = [
    entries.map((x) => x.id),
    entries.map((x) => x.eventId),
    entries.map((x) => x.accountId),
    entries.map((x) => x.sequence),
    entries.map((x) => x.kind),
    entries.map((x) => x.productId),
    entries.map((x) => x.userId),
    entries.map((x) => x.assignmentId),
    entries.map((x) => x.quantity),
    entries.map((x) => x.unitPriceMinor),
    entries.map((x) => x.currency),
    entries.map((x) => x.billingPeriod),
    entries.map((x) => x.effectiveAt.toISOString()),
    entries.map((x) => x.reason),
    entries.map((x) => x.billingBasis),
  ];
  const [result] = await executeBound<{ recorded: string }>(tx, RECORD_BATCH_SQL, [
    processedAt.toISOString(),
    ...eventColumns,
    ...entryColumns,
  ]);
  const recorded = Number(result?.recorded ?? 0);
  return { recorded, duplicates: events.length - recorded };
}

const RECORD_BATCH_SQL =
  `
with fresh as (
  insert into processed_event (event_id, account_id, sequence, event_type, outcome, topic, topic_partition, ` +
  `topic_offset, occurred_at, causation_id, actor_subject, actor_kind, rule_ids, processed_at)
  select e.event_id, e.account_id, e.sequence, e.event_type, e.outcome, e.topic, e.topic_partition, ` +
  `e.topic_offset, e.occurred_at, e.causation_id, e.actor_subject, e.actor_kind, e.rule_ids::jsonb, $1::timestamptz
  from unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::int[], $9::bigint[], ` +
  `$10::timestamptz[], $11::text[], $12::text[], $13::text[], $14::text[])
    as e(event_id, account_id, sequence, event_type, outcome, topic, topic_partition, topic_offset, ` +
  `occurred_at, causation_id, actor_subject, actor_kind, rule_ids)
  on conflict (event_id) do nothing
  returning event_id
), entries as (
  insert into ledger_entry (id, event_id, account_id, sequence, kind, product_id, user_id, ` +
  `assignment_id, quantity, unit_price_minor, currency, billing_period, effective_at, reason, billing_basis)
  select x.*
  from unnest($15::text[], $16::text[], $17::text[], $18::int[], $19::text[], $20::text[], ` +
  `$21::text[], $22::text[], $23::int[], $24::bigint[], $25::text[], $26::text[], $27::timestamptz[], ` +
  `$28::text[], $29::text[])
    as x(id, event_id, account_id, sequence, kind, product_id, user_id, assignment_id, quantity, ` +
  `unit_price_minor, currency, billing_period, effective_at, reason, billing_basis)
  where x.event_id in (select event_id from fresh)
  returning 1
)
select (select count(*) from fresh) as recorded, (select count(*) from entries) as entries`;

/** libsql (one process per file): look the ids up, then insert what is new, through the ORM. */
async function recordOnce(tx: Em, events: EventRecord[], processedAt: Date): Promise<RecordResult> {
  const unique = firstOfEach(events);
  const known = new Set<string>();
  for (let i = 0; i < unique.length; i += INSERT_CHUNK) {
    const ids = unique.slice(i, i + INSERT_CHUNK).map((e) => e.eventId);
    for (const row of await tx.find(ProcessedEvent, { eventId: ids }, { fields: ['eventId'] })) known.add(row.eventId);
  }
  const fresh = unique.filter((e) => !known.has(e.eventId));
  for (let i = 0; i < fresh.length; i += INSERT_CHUNK) {
    await tx.insertMany(
      ProcessedEvent,
      fresh.slice(i, i + INSERT_CHUNK).map((e) => ({
        eventId: e.eventId,
        accountId: e.accountId,
        sequence: e.sequence,
        eventType: e.eventType,
        outcome: e.outcome,
        topic: e.source?.topic ?? null,
        topicPartition: e.source?.partition ?? null,
        topicOffset: e.source?.offset ?? null,
        occurredAt: e.cause?.occurredAt ?? null,
        causationId: e.cause?.causationId ?? null,
        actorSubject: e.cause?.actor.subject ?? null,
        actorKind: e.cause?.actor.kind ?? null,
        ruleIds: e.cause?.ruleIds ?? null,
        processedAt,
      })),
    );
  }
  const entries = fresh.flatMap((e) => e.entries);
  for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
    await tx.insertMany(
      LedgerEntry,
      entries.slice(i, i + INSERT_CHUNK).map(({ eventId, ...entry }) => ({ ...entry, event: eventId })),
    );
  }
  return { recorded: fresh.length, duplicates: events.length - fresh.length };
}
