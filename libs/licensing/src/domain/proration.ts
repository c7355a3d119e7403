import type { CatalogProduct } from '@acme/licensing-data-access';
import { DAY_MS, proratedAmountMinor, type DayQuantity } from '@acme/util';

/**
 * The rest of the billing period that contains `now`, as invoices count it: a seat added during a
 * UTC day is held at that day's end, so that day and every later one up to the period's end are
 * charged (libs/billing/README.md, "Billing rules", rule 1).
 */
export function restOfPeriod(now: Date, billingPeriod: CatalogProduct['billingPeriod']) {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const end = billingPeriod === 'year' ? Date.UTC(year + 1, 0, 1) : Date.UTC(year, month + 1, 1);
  const today = Date.UTC(year, month, now.getUTCDate());
  return { periodEnd: new Date(end), chargedDays: (end - today) / DAY_MS };
}

/**
 * `quantity` seats at `unitPriceMinor` per period from `now` to the period's end, with the
 * invoice's own arithmetic (@acme/util's proratedAmountMinor): the exact sum, rounded once, half up.
 */
export function proratedMinor(
  unitPriceMinor: number,
  quantity: number,
  now: Date,
  billingPeriod: CatalogProduct['billingPeriod'],
): number {
  const { periodEnd, chargedDays } = restOfPeriod(now, billingPeriod);
  const days: DayQuantity[] = Array.from({ length: chargedDays }, (_, i) => ({
    day: new Date(periodEnd.getTime() - (i + 1) * DAY_MS),
    quantity,
  }));
  return proratedAmountMinor(unitPriceMinor, billingPeriod, days);
}
