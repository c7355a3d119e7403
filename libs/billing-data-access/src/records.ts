import type { LedgerEntry, ProcessedEvent } from './models/index.js';
import type { LedgerEntry as LedgerEntryRecord } from './ledger-entry-record.js';
import type { EventCause, ProcessedEventRecord } from './ledger-database.js';

/* Rows as plain records: what the lib's reads return, never an ORM entity. */

export function toEntryRecord(row: LedgerEntry): LedgerEntryRecord {
  return {
    id: row.id,
    eventId: row.event.eventId,
    accountId: row.accountId,
    sequence: row.sequence,
    kind: row.kind,
    productId: row.productId,
    userId: row.userId ?? null,
    assignmentId: row.assignmentId ?? null,
    quantity: row.quantity,
    unitPriceMinor: row.unitPriceMinor ?? null,
    currency: row.currency ?? null,
    billingPeriod: row.billingPeriod ?? null,
    billingBasis: row.billingBasis ?? null,
    effectiveAt: row.effectiveAt,
    reason: row.reason,
  };
}

export function toProcessedRecord(row: ProcessedEvent): ProcessedEventRecord {
  return {
    eventId: row.eventId,
    accountId: row.accountId,
    sequence: row.sequence,
    eventType: row.eventType,
    outcome: row.outcome,
    source:
      row.topic === null || row.topic === undefined
        ? null
        : { topic: row.topic, partition: row.topicPartition ?? 0, offset: String(row.topicOffset) },
    cause: causeOf(row),
  };
}

function causeOf(row: ProcessedEvent): EventCause | null {
  if (!row.occurredAt || row.causationId == null || row.actorSubject == null || !row.actorKind) return null;
  return {
    occurredAt: row.occurredAt,
    causationId: row.causationId,
    actor: { subject: row.actorSubject, kind: row.actorKind },
    ruleIds: row.ruleIds ?? [],
  };
}
