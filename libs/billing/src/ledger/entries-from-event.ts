import type { EventPayloadCase, events } from '@acme/contracts';
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { checkEnvelope, checkEventType, payloadFieldName } from './envelope-checks.js';
import { EventProblems } from './event-problems.js';
import type { LedgerEntry, LedgerEntryKind } from './ledger-entry.js';

/** What one license event means for the ledger; the consumer acts on the outcome. */
export type EventInterpretation =
  /** A money-relevant event: store these entries (ids are deterministic, so retries are no-ops). */
  | { outcome: 'entries'; entries: LedgerEntry[] }
  /** A known event type with no money effect. */
  | { outcome: 'no_charge' }
  /** A newer producer's event type: counted and skipped, not fatal. */
  | { outcome: 'unknown_type'; eventType: string }
  /** A broken event: goes to the dead-letter topic with this reason (every problem, '; '-joined). */
  | { outcome: 'invalid'; reason: string };

/** Version of the entry-id scheme; a new mapping of events to entries gets a new prefix. */
export const LEDGER_ENTRY_ID_VERSION = 'v1';

/** What an entry says beyond the envelope's identity. */
type EntryBody = Omit<LedgerEntry, 'id' | 'eventId' | 'accountId' | 'sequence'>;

interface SeatsPayload {
  productId: string;
  quantity: number;
  price?: events.SeatPrice;
  effectiveTime?: Timestamp;
}

interface HoldingPayload {
  assignmentId?: string;
  userId: string;
  productId: string;
  price?: events.SeatPrice;
  effectiveTime?: Timestamp;
}

const NO_CHARGE_CASES: ReadonlySet<EventPayloadCase> = new Set([
  'seatsRequestedFromSales',
  'featuresChanged',
  'seatsExhausted',
  'seatThresholdTriggered',
  'seatThresholdResolved',
  'configurationRetained',
  'configurationRestored',
  'configurationPurged',
  'notificationRequested',
  // An account's terms: the events that carry money carry their own price and basis.
  'accountCreated',
  'accountUpdated',
  'cardOnFileChanged',
  'salesOrderCancelled',
  'phoneConfigurationChanged',
]);

/**
 * Validates a license event and maps it to ledger entries. Pure: the same envelope (and key)
 * always gives the same answer, which is what makes replaying the topic safe.
 */
export function interpretEvent(envelope: events.EventEnvelope, context: { key?: string } = {}): EventInterpretation {
  const problems = new EventProblems();
  checkEnvelope(envelope, context.key, problems);
  if (checkEventType(envelope, problems) === 'unknown' && problems.problems.length === 0) {
    return { outcome: 'unknown_type', eventType: envelope.eventType };
  }
  const body = entryBody(envelope.payload, problems);
  if (problems.problems.length > 0) return { outcome: 'invalid', reason: problems.problems.join('; ') };
  if (!body) return { outcome: 'no_charge' };
  const entry: LedgerEntry = {
    id: `${LEDGER_ENTRY_ID_VERSION}:${envelope.eventId}:0`,
    eventId: envelope.eventId,
    accountId: envelope.accountId,
    sequence: Number(envelope.sequence),
    ...body,
  };
  return { outcome: 'entries', entries: [entry] };
}

/** The entry of a money-relevant payload; undefined for no-charge payloads (and no payload). */
function entryBody(payload: events.EventEnvelope['payload'], problems: EventProblems): EntryBody | undefined {
  if (payload.case === undefined || NO_CHARGE_CASES.has(payload.case)) return undefined;
  const path = payloadFieldName(payload.case);
  switch (payload.case) {
    case 'seatsPurchased':
      return seats(payload.value, path, problems, 'seats_added', 'purchase');
    case 'salesOrderCompleted':
      return seats(payload.value, path, problems, 'seats_added', 'sales_order');
    case 'seatsReduced':
      return seats(payload.value, path, problems, 'seats_removed', 'reduction');
    case 'licenseAssigned':
      return holding(payload.value, path, problems, 'seat_opened', 'assigned');
    case 'licenseUnassigned':
      return holding(payload.value, path, problems, 'seat_closed', 'unassigned');
    case 'agentDowngraded':
      return holding(payload.value, path, problems, 'seat_closed', 'downgraded');
    case 'contactCenterBillingStarted':
      return holding(payload.value, path, problems, 'cc_billing_started', 'queue_joined');
    case 'contactCenterBillingStopped':
      return holding(payload.value, path, problems, 'cc_billing_stopped', 'left_last_queue');
    default:
      return undefined;
  }
}

/** Purchased seats grow or shrink: product, quantity and price of the seats concerned. */
function seats(
  value: SeatsPayload,
  path: string,
  problems: EventProblems,
  kind: LedgerEntryKind,
  reason: string,
): EntryBody | undefined {
  const productId = problems.id(`${path}.product_id`, value.productId);
  const quantity = problems.quantity(`${path}.quantity`, value.quantity);
  const price = problems.price(`${path}.price`, value.price);
  const effectiveAt = problems.time(`${path}.effective_time`, value.effectiveTime);
  if (productId === undefined || quantity === undefined || !price || !effectiveAt) return undefined;
  return { kind, productId, userId: null, assignmentId: null, quantity, ...price, effectiveAt, reason };
}

/**
 * A user's seat or Contact Center billing opens or closes. Opening entries carry the price
 * (required); closing entries have none. Checked in proto field order so reasons read stably.
 */
function holding(
  value: HoldingPayload,
  path: string,
  problems: EventProblems,
  kind: LedgerEntryKind,
  reason: string,
): EntryBody | undefined {
  const opens = kind === 'seat_opened' || kind === 'cc_billing_started';
  const assignmentId =
    value.assignmentId === undefined ? null : problems.id(`${path}.assignment_id`, value.assignmentId);
  const userId = problems.id(`${path}.user_id`, value.userId);
  const productId = problems.id(`${path}.product_id`, value.productId);
  const price = opens ? problems.price(`${path}.price`, value.price) : null;
  const effectiveAt = problems.time(`${path}.effective_time`, value.effectiveTime);
  if (
    assignmentId === undefined ||
    userId === undefined ||
    productId === undefined ||
    price === undefined ||
    !effectiveAt
  )
    return undefined;
  return {
    kind,
    productId,
    userId,
    assignmentId,
    quantity: 1,
    unitPriceMinor: price?.unitPriceMinor ?? null,
    currency: price?.currency ?? null,
    billingPeriod: price?.billingPeriod ?? null,
    billingBasis: price?.billingBasis ?? null,
    effectiveAt,
    reason,
  };
}
