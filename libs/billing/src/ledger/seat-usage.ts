import { compareStrings } from './entry-order.js';
import { pairIntervals, type IntervalRule } from './intervals.js';
import type { SeatUsageInterval } from './invoice-types.js';
import type { LedgerEntry } from './ledger-entry.js';
import { chargedDays, type InvoicePeriod } from './proration.js';

/** A seat is held from seat_opened to the seat_closed of the same assignment (and product and user). */
export const SEAT_INTERVALS: IntervalRule = {
  opens: 'seat_opened',
  closes: 'seat_closed',
  keyOf: (e) => JSON.stringify([e.productId, e.userId, e.assignmentId]),
  describe: (e) => `assignment "${e.assignmentId ?? ''}" (product "${e.productId}", user "${e.userId ?? ''}")`,
};

/**
 * Who held seats: intervals per (product, user, assignment) from seat_opened to the seat_closed of
 * the same assignment, for every interval that overlaps the period (even for less than a day).
 * Informational: purchased seats are what is charged, not assignments.
 */
export function seatUsage(
  sortedEntries: readonly LedgerEntry[],
  period: InvoicePeriod,
  warnings: string[],
): SeatUsageInterval[] {
  const intervals = pairIntervals(sortedEntries, SEAT_INTERVALS, period, warnings);
  return intervals
    .filter(
      ({ open, end }) =>
        open.effectiveAt.getTime() < period.to.getTime() && (end === null || end.getTime() > period.from.getTime()),
    )
    .map(({ open, end }) => ({
      productId: open.productId,
      userId: open.userId ?? '',
      assignmentId: open.assignmentId ?? '',
      start: new Date(open.effectiveAt),
      end: end && new Date(end),
      daysInPeriod: chargedDays(open.effectiveAt, end, period).length,
    }))
    .sort(
      (a, b) =>
        compareStrings(a.productId, b.productId) ||
        compareStrings(a.userId, b.userId) ||
        a.start.getTime() - b.start.getTime() ||
        compareStrings(a.assignmentId, b.assignmentId),
    );
}
