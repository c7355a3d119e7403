/**
 * The billing ledger's journal entry: immutable, derived from exactly one license event, with a
 * deterministic id so that handling an event twice, or replaying the topic into a fresh ledger,
 * produces the very same rows. Balances and invoices are projections over these entries.
 */
export type LedgerEntryKind =
  /** Purchased seats grew (self-service purchase or a completed sales order). quantity > 0. */
  | 'seats_added'
  /** Purchased seats shrank (reduction). quantity > 0 is the number removed. */
  | 'seats_removed'
  /** A user started holding a seat (license assigned). */
  | 'seat_opened'
  /** A user stopped holding a seat (unassigned by an administrator, or downgraded). */
  | 'seat_closed'
  /** A user became billable for Contact Center (joined a first queue). */
  | 'cc_billing_started'
  /** A user stopped being billable for Contact Center (left the last queue). */
  | 'cc_billing_stopped';

/** Every kind, in the order of a purchase's and a holding's life. */
export const LEDGER_ENTRY_KINDS: readonly LedgerEntryKind[] = [
  'seats_added',
  'seats_removed',
  'seat_opened',
  'seat_closed',
  'cc_billing_started',
  'cc_billing_stopped',
];

export type BillingPeriod = 'month' | 'year';

/** What a price is charged for: each purchased seat, or each user in a contact-center queue. */
export type BillingBasis = 'purchased_seats' | 'contact_center_member';

export interface LedgerEntry {
  /** `v1:<eventId>:<index>`: versioned and deterministic, the entry's identity across replays. */
  id: string;
  eventId: string;
  accountId: string;
  /** The event's per-account sequence number. */
  sequence: number;
  kind: LedgerEntryKind;
  productId: string;
  /** The user for seat and Contact Center entries; null for purchased-seat entries. */
  userId: string | null;
  /** The assignment for seat entries; null otherwise. */
  assignmentId: string | null;
  /** Seats added or removed (always positive; the kind says which way), 1 for seat/CC entries. */
  quantity: number;
  /** Price per seat and period in minor units, as carried by the event; null on closing entries. */
  unitPriceMinor: number | null;
  /** ISO 4217 code; null on closing entries. */
  currency: string | null;
  billingPeriod: BillingPeriod | null;
  /**
   * The product's billing basis as the event stated it; null on closing entries and on events from
   * producers that did not state it (billing then infers it).
   */
  billingBasis: BillingBasis | null;
  /** When the change counts for billing (the event's effective time). */
  effectiveAt: Date;
  /** Why: `purchase`, `sales_order`, `reduction`, `assigned`, `unassigned`, `downgraded`, `queue_joined`, `left_last_queue`. */
  reason: string;
}
