// Test fixtures for the ledger projections (used by the *.test.ts files here; not exported).
import { expect } from 'vitest';
import type { InvoiceLine } from '../src/ledger/invoice-types.js';
import type { BillingBasis, BillingPeriod, LedgerEntry, LedgerEntryKind } from '../src/ledger/ledger-entry.js';

export const ACCOUNT = 'acct_1';

export interface Price {
  unitPriceMinor: number;
  currency: string;
  billingPeriod: BillingPeriod;
  billingBasis: BillingBasis | null;
}

/** A price as an event states it; without a basis unless given (as events written before it was carried). */
export const price = (
  unitPriceMinor: number,
  currency = 'USD',
  billingPeriod: BillingPeriod = 'month',
  billingBasis: BillingBasis | null = null,
): Price => ({ unitPriceMinor, currency, billingPeriod, billingBasis });
const NO_PRICE = { unitPriceMinor: null, currency: null, billingPeriod: null, billingBasis: null };

let sequence = 0;

function entry(
  kind: LedgerEntryKind,
  reason: string,
  at: string,
  fields: Omit<LedgerEntry, 'id' | 'eventId' | 'accountId' | 'sequence' | 'kind' | 'reason' | 'effectiveAt'>,
): LedgerEntry {
  sequence += 1;
  const eventId = `evt-${sequence}`;
  return {
    id: `v1:${eventId}:0`,
    eventId,
    accountId: ACCOUNT,
    sequence,
    kind,
    reason,
    effectiveAt: new Date(at),
    ...fields,
  };
}

export const seatsAdded = (productId: string, quantity: number, at: string, p: Price) =>
  entry('seats_added', 'purchase', at, { productId, userId: null, assignmentId: null, quantity, ...p });
export const seatsRemoved = (productId: string, quantity: number, at: string, p: Price) =>
  entry('seats_removed', 'reduction', at, { productId, userId: null, assignmentId: null, quantity, ...p });
export const seatOpened = (productId: string, userId: string, assignmentId: string, at: string, p: Price) =>
  entry('seat_opened', 'assigned', at, { productId, userId, assignmentId, quantity: 1, ...p });
export const seatClosed = (productId: string, userId: string, assignmentId: string, at: string) =>
  entry('seat_closed', 'unassigned', at, { productId, userId, assignmentId, quantity: 1, ...NO_PRICE });
export const ccStarted = (productId: string, userId: string, at: string, p: Price) =>
  entry('cc_billing_started', 'queue_joined', at, { productId, userId, assignmentId: null, quantity: 1, ...p });
export const ccStopped = (productId: string, userId: string, at: string) =>
  entry('cc_billing_stopped', 'left_last_queue', at, {
    productId,
    userId,
    assignmentId: null,
    quantity: 1,
    ...NO_PRICE,
  });

/** The query for ACCOUNT over [from, to). */
export const period = (from: string, to: string) => ({ accountId: ACCOUNT, from: new Date(from), to: new Date(to) });
export const NOVEMBER_2026 = period('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z');

/**
 * An expected `seats` line: USD per month, charged, nothing held; tests override what matters. Its
 * intervals are checked where a test is about them (invoice-intervals.test.ts); elsewhere any list
 * stands in for them.
 */
export const seatsLine = (fields: Partial<InvoiceLine>): InvoiceLine => ({
  kind: 'seats',
  productId: 'prod_a',
  userId: null,
  unitPriceMinor: 2700,
  currency: 'USD',
  billingPeriod: 'month',
  quantityDays: 0,
  intervals: expect.any(Array) as InvoiceLine['intervals'],
  basis: 'purchased_seats',
  charged: true,
  amountMinor: 0,
  note: '',
  ...fields,
});
