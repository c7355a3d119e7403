import { CONTACT_CENTER_INTERVALS } from './contact-center-lines.js';
import { compareStrings, inLedgerOrder } from './entry-order.js';
import { pairIntervals, type IntervalRule } from './intervals.js';
import type { LedgerEntry } from './ledger-entry.js';
import { SEAT_INTERVALS } from './seat-usage.js';

/** What the ledger says one account holds at one instant. */
export interface LedgerHoldings {
  /** Purchased seats per product: seats_added minus seats_removed (products never bought are absent). */
  purchasedSeats: ReadonlyMap<string, number>;
  /** Seats opened and not yet closed, by assignment id. */
  openSeats: ReadonlyMap<string, { productId: string; userId: string }>;
  /** Contact Center users billed now (started, not stopped since), ordered by product, then user. */
  contactCenterMembers: readonly { productId: string; userId: string }[];
}

/**
 * What one account's ledger entries say is held at `at`: entries effective at or before `at`, read
 * in the invoice's order and paired by the invoice's rules, so that a reconciliation compares
 * licensing with exactly what billing would charge. Data problems the invoice warns about (a close
 * without an open, a second open, a repeated id) count as the invoice counts them.
 */
export function ledgerHoldings(entries: readonly LedgerEntry[], at: Date): LedgerHoldings {
  const ledger = inLedgerOrder(entries.filter((e) => e.effectiveAt.getTime() <= at.getTime()));
  const purchasedSeats = new Map<string, number>();
  for (const e of ledger) {
    if (e.kind === 'seats_added' || e.kind === 'seats_removed') {
      const delta = e.kind === 'seats_added' ? e.quantity : -e.quantity;
      purchasedSeats.set(e.productId, (purchasedSeats.get(e.productId) ?? 0) + delta);
    }
  }
  const stillOpen = (rule: IntervalRule) =>
    // The invoice reports these warnings; here they would only repeat them.
    pairIntervals(ledger, rule, { from: at, to: at }, [])
      .filter((interval) => interval.end === null)
      .map((interval) => interval.open);
  const openSeats = new Map(
    stillOpen(SEAT_INTERVALS).map((e) => [e.assignmentId ?? '', { productId: e.productId, userId: e.userId ?? '' }]),
  );
  const contactCenterMembers = stillOpen(CONTACT_CENTER_INTERVALS)
    .map((e) => ({ productId: e.productId, userId: e.userId ?? '' }))
    .sort((a, b) => compareStrings(a.productId, b.productId) || compareStrings(a.userId, b.userId));
  return { purchasedSeats, openSeats, contactCenterMembers };
}
