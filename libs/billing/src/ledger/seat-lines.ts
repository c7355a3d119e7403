import { compareStrings } from './entry-order.js';
import type { InvoiceLine } from './invoice-types.js';
import type { BillingPeriod, LedgerEntry } from './ledger-entry.js';
import {
  chargedIntervals,
  DAY_MS,
  periodDays,
  proratedAmountMinor,
  type DayQuantity,
  type InvoicePeriod,
} from './proration.js';

/** Note on a seats line whose product is billed per Contact Center user instead. */
export const CONTACT_CENTER_SEATS_NOTE = 'billed per contact-center queue member';

interface PriceGroup {
  productId: string;
  unitPriceMinor: number;
  currency: string;
  billingPeriod: BillingPeriod;
  /** Seat changes in ledger order: +quantity for seats_added, -quantity for seats_removed. */
  changes: { at: number; delta: number }[];
}

/**
 * Purchased-seat lines, one per (product, unit price, currency, billing period). The quantity held
 * on day d is the sum of the group's changes effective strictly before the midnight ending d, so
 * a reduction at exactly midnight still counts for the day before it.
 */
export function purchasedSeatLines(
  sortedEntries: readonly LedgerEntry[],
  period: InvoicePeriod,
  billedPerMember: ReadonlySet<string>,
  warnings: string[],
): InvoiceLine[] {
  const lines: InvoiceLine[] = [];
  for (const group of groupByPrice(sortedEntries, period, warnings)) {
    const days = heldPerDay(group, period, warnings);
    const quantityDays = days.reduce((sum, d) => sum + d.quantity, 0);
    if (quantityDays === 0) continue;
    // A product billed per queue member: its seats are listed, never charged twice.
    const charged = !billedPerMember.has(group.productId);
    lines.push({
      kind: 'seats',
      productId: group.productId,
      userId: null,
      unitPriceMinor: group.unitPriceMinor,
      currency: group.currency,
      billingPeriod: group.billingPeriod,
      quantityDays,
      intervals: chargedIntervals(days),
      basis: 'purchased_seats',
      charged,
      amountMinor: charged ? proratedAmountMinor(group.unitPriceMinor, group.billingPeriod, days) : 0,
      note: charged ? '' : CONTACT_CENTER_SEATS_NOTE,
    });
  }
  return lines;
}

function groupByPrice(sortedEntries: readonly LedgerEntry[], period: InvoicePeriod, warnings: string[]): PriceGroup[] {
  const groups = new Map<string, PriceGroup>();
  for (const entry of sortedEntries) {
    if (entry.kind !== 'seats_added' && entry.kind !== 'seats_removed') continue;
    const { unitPriceMinor, currency, billingPeriod } = entry;
    if (unitPriceMinor === null || currency === null || billingPeriod === null) {
      if (entry.effectiveAt.getTime() >= period.from.getTime())
        warnings.push(`entry ${entry.id}: ${entry.kind} without a price; ignored`);
      continue;
    }
    const key = JSON.stringify([entry.productId, unitPriceMinor, currency, billingPeriod]);
    const group = groups.get(key) ?? {
      productId: entry.productId,
      unitPriceMinor,
      currency,
      billingPeriod,
      changes: [],
    };
    groups.set(key, group);
    group.changes.push({
      at: entry.effectiveAt.getTime(),
      delta: entry.kind === 'seats_added' ? entry.quantity : -entry.quantity,
    });
  }
  return [...groups.values()].sort(
    (a, b) =>
      compareStrings(a.productId, b.productId) ||
      a.unitPriceMinor - b.unitPriceMinor ||
      compareStrings(a.currency, b.currency) ||
      compareStrings(a.billingPeriod, b.billingPeriod),
  );
}

/** Seats held at the end of each day of the period; below zero counts as zero, with a warning. */
function heldPerDay(group: PriceGroup, period: InvoicePeriod, warnings: string[]): DayQuantity[] {
  const days: DayQuantity[] = [];
  let next = 0;
  let held = 0;
  const negative = { first: null as Date | null, days: 0, lowest: 0 };
  for (const day of periodDays(period)) {
    const midnight = day.getTime() + DAY_MS;
    for (let change = group.changes[next]; change && change.at < midnight; change = group.changes[++next])
      held += change.delta;
    if (held < 0) {
      negative.first ??= day;
      negative.days += 1;
      negative.lowest = Math.min(negative.lowest, held);
    }
    days.push({ day, quantity: Math.max(0, held) });
  }
  if (negative.first) {
    warnings.push(
      `purchased seats of product "${group.productId}" at ${group.unitPriceMinor} ${group.currency} per ${group.billingPeriod} ` +
        `fall below zero on ${negative.days} day(s) from ${negative.first.toISOString().slice(0, 10)} (lowest ${negative.lowest}); counted as 0`,
    );
  }
  return days;
}
