import { pairIntervals, type IntervalRule } from './intervals.js';
import type { InvoiceLine } from './invoice-types.js';
import type { BillingPeriod, LedgerEntry } from './ledger-entry.js';
import {
  chargedDays,
  chargedIntervals,
  proratedAmountMinor,
  type DayQuantity,
  type InvoicePeriod,
} from './proration.js';

/**
 * Products billed per contact-center queue member, not per purchased seat: the billing basis the
 * events state (the last one stated for the product, in ledger order, wins). For a product whose
 * events state none (written before events carried it), billing infers it as it always did: a
 * product with any Contact Center entry for the account.
 */
export function productsBilledPerMember(sortedEntries: readonly LedgerEntry[]): Set<string> {
  const stated = new Map<string, boolean>();
  const inferred = new Set<string>();
  for (const e of sortedEntries) {
    if (e.billingBasis) stated.set(e.productId, e.billingBasis === 'contact_center_member');
    if (e.kind === 'cc_billing_started' || e.kind === 'cc_billing_stopped') inferred.add(e.productId);
  }
  for (const [productId, perMember] of stated) if (perMember) inferred.add(productId);
  for (const [productId, perMember] of stated) if (!perMember) inferred.delete(productId);
  return inferred;
}

/** A user is billed from cc_billing_started to the next cc_billing_stopped of the same (product, user). */
export const CONTACT_CENTER_INTERVALS: IntervalRule = {
  opens: 'cc_billing_started',
  closes: 'cc_billing_stopped',
  keyOf: (e) => JSON.stringify([e.productId, e.userId]),
  describe: (e) => `product "${e.productId}" user "${e.userId ?? ''}"`,
  reopenNote: 'the first price stays',
};

interface UserLine {
  productId: string;
  userId: string;
  unitPriceMinor: number;
  currency: string;
  billingPeriod: BillingPeriod;
  days: DayQuantity[];
}

/**
 * One line per billable user (and price): intervals from cc_billing_started to the next
 * cc_billing_stopped of the same (product, user), at the starting entry's price. Removing the
 * user's other licenses (GoTo Connect Standard) does not stop it; leaving the last queue does.
 */
export function contactCenterLines(
  sortedEntries: readonly LedgerEntry[],
  period: InvoicePeriod,
  warnings: string[],
): InvoiceLine[] {
  const intervals = pairIntervals(sortedEntries, CONTACT_CENTER_INTERVALS, period, warnings);
  const byUserAndPrice = new Map<string, UserLine>();
  for (const { open, end } of intervals) {
    const { unitPriceMinor, currency, billingPeriod, userId } = open;
    if (unitPriceMinor === null || currency === null || billingPeriod === null || userId === null) {
      if (end === null || end.getTime() > period.from.getTime())
        warnings.push(`entry ${open.id}: cc_billing_started without a user or price; ignored`);
      continue;
    }
    const days = chargedDays(open.effectiveAt, end, period);
    if (days.length === 0) continue;
    const key = JSON.stringify([open.productId, userId, unitPriceMinor, currency, billingPeriod]);
    const line = byUserAndPrice.get(key) ?? {
      productId: open.productId,
      userId,
      unitPriceMinor,
      currency,
      billingPeriod,
      days: [],
    };
    byUserAndPrice.set(key, line);
    line.days.push(...days.map((day) => ({ day, quantity: 1 })));
  }
  return [...byUserAndPrice.values()].map((line) => ({
    kind: 'contact_center',
    productId: line.productId,
    userId: line.userId,
    unitPriceMinor: line.unitPriceMinor,
    currency: line.currency,
    billingPeriod: line.billingPeriod,
    quantityDays: line.days.length,
    intervals: chargedIntervals(line.days),
    basis: 'contact_center_member',
    charged: true,
    amountMinor: proratedAmountMinor(line.unitPriceMinor, line.billingPeriod, line.days),
    note: '',
  }));
}
