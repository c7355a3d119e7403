import type { CatalogProduct } from '@acme/licensing-data-access';

const DAY_MS = 86_400_000;

/**
 * The rest of the billing period that contains `now`, as invoices count it: a seat added during a
 * UTC day is held at that day's end, so that day and every later one up to the period's end are
 * charged (libs/billing/README.md, "Billing rules", rule 1).
 */
export function restOfPeriod(now: Date, billingPeriod: CatalogProduct['billingPeriod']) {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const start = billingPeriod === 'year' ? Date.UTC(year, 0, 1) : Date.UTC(year, month, 1);
  const end = billingPeriod === 'year' ? Date.UTC(year + 1, 0, 1) : Date.UTC(year, month + 1, 1);
  const today = Date.UTC(year, month, now.getUTCDate());
  return { periodEnd: new Date(end), chargedDays: (end - today) / DAY_MS, daysInPeriod: (end - start) / DAY_MS };
}

/**
 * `quantity` seats at `unitPriceMinor` per period from `now` to the period's end: the exact
 * fraction, rounded once, half up, as an invoice line is.
 */
export function proratedMinor(
  unitPriceMinor: number,
  quantity: number,
  now: Date,
  billingPeriod: CatalogProduct['billingPeriod'],
): number {
  const { chargedDays, daysInPeriod } = restOfPeriod(now, billingPeriod);
  const numerator = BigInt(unitPriceMinor) * BigInt(quantity) * BigInt(chargedDays);
  const denominator = BigInt(daysInPeriod);
  return Number((2n * numerator + denominator) / (2n * denominator));
}
