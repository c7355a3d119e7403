import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import type { FilterQuery } from '@mikro-orm/core';
import { LedgerEntry, ProcessedEvent } from './models/index.js';
import type { LedgerEntry as LedgerEntryRecord, LedgerEntryKind } from './ledger-entry-record.js';
import type { ProcessedEventRecord } from './ledger-database.js';
import { toEntryRecord, toProcessedRecord } from './records.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

/** How far the ledger has read one account's events. */
export interface LedgerPosition {
  /** Every event of the account up to this sequence is recorded (0: none, or the first is missing). */
  completeThrough: number;
  /** The highest sequence recorded. */
  lastSequence: number;
  /** When the newest recorded event happened (null when none, or recorded before causes were kept). */
  lastEventTime: Date | null;
}

/**
 * Where an account's events stand in the ledger. Events arrive in sequence order per account
 * (one partition each), so a gap means one is on its way or was refused (dead-lettered):
 * `completeThrough` stops before it. Every recorded event counts, charged or not.
 */
export async function ledgerPosition(em: Em, accountId: string): Promise<LedgerPosition> {
  const [row] = (await em.execute(
    `select
       (select coalesce(max(sequence), 0) from processed_event where account_id = ?) as last_sequence,
       (select max(occurred_at) from processed_event where account_id = ?) as last_event_time,
       (select coalesce(min(p.sequence), 0) from processed_event p
         where p.account_id = ? and not exists (
           select 1 from processed_event q where q.account_id = p.account_id and q.sequence = p.sequence + 1)
       ) as first_before_gap,
       (select count(*) from processed_event where account_id = ? and sequence = 1) as has_first`,
    [accountId, accountId, accountId, accountId],
    'all',
  )) as { last_sequence: number; last_event_time: string | Date | null; first_before_gap: number; has_first: number }[];
  const lastEventTime = row?.last_event_time ? new Date(row.last_event_time) : null;
  return {
    completeThrough: Number(row?.has_first ?? 0) > 0 ? Number(row?.first_before_gap ?? 0) : 0,
    lastSequence: Number(row?.last_sequence ?? 0),
    lastEventTime: lastEventTime && !Number.isNaN(lastEventTime.getTime()) ? lastEventTime : null,
  };
}

/** What ListLedgerEntries filters on: always one account, the rest optional. */
export interface EntryFilter {
  accountId: string;
  userId?: string;
  productId?: string;
  kinds?: LedgerEntryKind[];
  effectiveFrom?: Date;
  effectiveTo?: Date;
  /** Only entries of events caused by this request. */
  causationId?: string;
}

/** Where a page ends, in ledger order: the next page starts after it. */
export interface EntryCursor {
  effectiveAt: Date;
  sequence: number;
  id: string;
}

/** One page of an account's entries in ledger order (effective time, sequence, id), after `cursor`. */
export async function entryPage(
  em: Em,
  filter: EntryFilter,
  cursor: EntryCursor | null,
  limit: number,
): Promise<{ entries: (LedgerEntryRecord & { event: ProcessedEventRecord })[]; more: boolean }> {
  const where: FilterQuery<LedgerEntry>[] = [{ accountId: filter.accountId }];
  if (filter.userId) where.push({ userId: filter.userId });
  if (filter.productId) where.push({ productId: filter.productId });
  if (filter.kinds?.length) where.push({ kind: { $in: filter.kinds } });
  if (filter.effectiveFrom) where.push({ effectiveAt: { $gte: filter.effectiveFrom } });
  if (filter.effectiveTo) where.push({ effectiveAt: { $lt: filter.effectiveTo } });
  if (filter.causationId) where.push({ event: { causationId: filter.causationId } });
  if (cursor)
    where.push({
      $or: [
        { effectiveAt: { $gt: cursor.effectiveAt } },
        { effectiveAt: cursor.effectiveAt, sequence: { $gt: cursor.sequence } },
        { effectiveAt: cursor.effectiveAt, sequence: cursor.sequence, id: { $gt: cursor.id } },
      ],
    });
  const rows = await em.find(
    LedgerEntry,
    { $and: where },
    { orderBy: { effectiveAt: 'asc', sequence: 'asc', id: 'asc' }, limit: limit + 1, populate: ['event'] },
  );
  return {
    entries: rows.slice(0, limit).map((row) => ({ ...toEntryRecord(row), event: toProcessedRecord(row.event) })),
    more: rows.length > limit,
  };
}

/** The processed events of these ids (with their causes), by id. */
export async function processedEvents(em: Em, eventIds: readonly string[]): Promise<Map<string, ProcessedEventRecord>> {
  const unique = [...new Set(eventIds)];
  const rows = unique.length === 0 ? [] : await em.find(ProcessedEvent, { eventId: { $in: unique } });
  return new Map(rows.map((row) => [row.eventId, toProcessedRecord(row)]));
}
