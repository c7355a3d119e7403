import type { DescMessage, MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { billing } from '@acme/contracts';
import type { LedgerPosition, ProcessedEventRecord } from '@acme/billing-data-access';
import type { ExplainedInterval } from '../ledger/explain-charge.js';
import type { InvoiceLine } from '../ledger/invoice-types.js';
import type { LedgerEntry } from '../ledger/ledger-entry.js';

/* The ledger's records as the billing API's messages. */

type Init<S extends DescMessage> = MessageInitShape<S>;

export const money = (currency: string, amountMinor: number): Init<typeof billing.MoneySchema> => ({
  currencyCode: currency,
  amountMinor: BigInt(amountMinor),
});

export const positionMessage = (position: LedgerPosition): Init<typeof billing.LedgerPositionSchema> => ({
  completeThroughSequence: BigInt(position.completeThrough),
  lastSequence: BigInt(position.lastSequence),
  ...(position.lastEventTime ? { lastEventTime: timestampFromDate(position.lastEventTime) } : {}),
});

/** An event with its cause; without a cause (recorded before causes were kept) only its identity. */
export function eventMessage(
  event: ProcessedEventRecord | undefined,
  eventId: string,
): Init<typeof billing.EventCauseSchema> {
  if (!event) return { eventId };
  const { cause } = event;
  return {
    eventId: event.eventId,
    eventType: event.eventType,
    sequence: BigInt(event.sequence),
    ...(cause
      ? {
          occurTime: timestampFromDate(cause.occurredAt),
          actorSubject: cause.actor.subject,
          actorKind: cause.actor.kind,
          causationId: cause.causationId,
          ruleIds: cause.ruleIds,
        }
      : {}),
  };
}

export function entryMessage(
  entry: LedgerEntry,
  event: ProcessedEventRecord | undefined,
): Init<typeof billing.LedgerEntrySchema> {
  return {
    id: entry.id,
    kind: entry.kind,
    productId: entry.productId,
    userId: entry.userId ?? '',
    assignmentId: entry.assignmentId ?? '',
    quantity: entry.quantity,
    ...(entry.unitPriceMinor !== null && entry.currency !== null
      ? { unitPrice: money(entry.currency, entry.unitPriceMinor) }
      : {}),
    billingPeriod: entry.billingPeriod ?? '',
    effectiveTime: timestampFromDate(entry.effectiveAt),
    reason: entry.reason,
    event: eventMessage(event, entry.eventId),
  };
}

export function lineMessage(line: InvoiceLine): Init<typeof billing.InvoiceLineSchema> {
  return {
    kind: line.kind,
    productId: line.productId,
    userId: line.userId ?? '',
    unitPrice: money(line.currency, line.unitPriceMinor),
    billingPeriod: line.billingPeriod,
    quantityDays: line.quantityDays,
    intervals: line.intervals.map((i) => ({
      start: timestampFromDate(i.from),
      end: timestampFromDate(i.to),
      quantity: i.quantity,
    })),
    basis: line.basis,
    charged: line.charged,
    amount: money(line.currency, line.amountMinor),
    note: line.note,
  };
}

export function intervalMessage(
  interval: ExplainedInterval,
  events: Map<string, ProcessedEventRecord>,
): Init<typeof billing.ExplainedIntervalSchema> {
  const { opening, closing } = interval;
  return {
    kind: interval.kind,
    start: timestampFromDate(interval.start),
    ...(interval.end ? { end: timestampFromDate(interval.end) } : {}),
    daysInPeriod: interval.daysInPeriod,
    openedBy: eventMessage(events.get(opening.eventId), opening.eventId),
    ...(closing ? { closedBy: eventMessage(events.get(closing.eventId), closing.eventId) } : {}),
  };
}
