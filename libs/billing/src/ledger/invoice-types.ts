import type { BillingPeriod } from './ledger-entry.js';
import type { ChargedInterval } from './proration.js';

/** An invoice preview for one account and one period [from, to): a projection of ledger entries. */
export interface Invoice {
  accountId: string;
  from: Date;
  to: Date;
  /** Ordered by kind (seats, then contact_center), product, user, unit price, currency, period. */
  lines: InvoiceLine[];
  /** Who held seats in the period; informational, never charged. */
  usage: SeatUsageInterval[];
  /** One total per currency (different currencies are never added), ordered by currency. */
  totals: { currency: string; amountMinor: number }[];
  /** Data problems found in the ledger (counted as described in the README), never thrown. */
  warnings: string[];
}

export interface InvoiceLine {
  /** `seats`: purchased seats; `contact_center`: one billable Contact Center user. */
  kind: 'seats' | 'contact_center';
  productId: string;
  /** The Contact Center user; null on `seats` lines. */
  userId: string | null;
  unitPriceMinor: number;
  currency: string;
  billingPeriod: BillingPeriod;
  /** Seat-days (seats lines) or billable days (contact_center lines) charged in the period. */
  quantityDays: number;
  /** When in the period, and how many seats (or 1 user), from midnight to midnight. */
  intervals: ChargedInterval[];
  /** Why it is charged: purchased seats, or a user active in Contact Center queues. */
  basis: 'purchased_seats' | 'contact_center_member';
  /** False when the product is billed per Contact Center user instead (amountMinor is then 0). */
  charged: boolean;
  amountMinor: number;
  note: string;
}

export interface SeatUsageInterval {
  productId: string;
  userId: string;
  assignmentId: string;
  start: Date;
  /** null while the seat is still held (as far as the ledger up to the period's end knows). */
  end: Date | null;
  /** Days of the period the seat was held at the end of the day. */
  daysInPeriod: number;
}
