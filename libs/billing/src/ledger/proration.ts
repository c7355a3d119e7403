import { DAY_MS, type DayQuantity } from '@acme/util';

// The day and money arithmetic is shared with licensing's quotes (@acme/util, prorated-amount.ts).
export { DAY_MS, daysInRateUnit, proratedAmountMinor, type DayQuantity } from '@acme/util';

/** A billing period [from, to): both UTC midnights, from < to. */
export interface InvoicePeriod {
  from: Date;
  to: Date;
}

export function isUtcMidnight(date: Date): boolean {
  return date.getTime() % DAY_MS === 0;
}

/** The UTC days of the period, each as its starting midnight, in order. */
export function periodDays(period: InvoicePeriod): Date[] {
  const days: Date[] = [];
  for (let t = period.from.getTime(); t < period.to.getTime(); t += DAY_MS) days.push(new Date(t));
  return days;
}

/**
 * The days of the period a holding over [start, end) is charged for. Day d counts when the holding
 * is in place at the end of d, i.e. at the midnight M = d + 1 day with max(start, from) < M <=
 * min(end, to): one check per day means a seat opened and closed within a day costs nothing, and
 * a holding that starts or ends exactly at midnight is never counted twice.
 */
export function chargedDays(start: Date, end: Date | null, period: InvoicePeriod): Date[] {
  const low = Math.max(start.getTime(), period.from.getTime());
  const high = Math.min(end?.getTime() ?? Number.POSITIVE_INFINITY, period.to.getTime());
  const days: Date[] = [];
  // First midnight strictly after `low`; `low` may be any instant, `to` is a midnight.
  for (let midnight = Math.floor(low / DAY_MS) * DAY_MS + DAY_MS; midnight <= high; midnight += DAY_MS) {
    days.push(new Date(midnight - DAY_MS));
  }
  return days;
}

/** Days charged at one quantity without a break: [from, to), both midnights. */
export interface ChargedInterval {
  from: Date;
  to: Date;
  quantity: number;
}

/**
 * The charged days as intervals: runs of consecutive days at the same quantity above zero (a day
 * listed twice counts once, at its larger quantity). What a reader needs to answer "charged for
 * what, from when to when" without the per-day list.
 */
export function chargedIntervals(days: Iterable<DayQuantity>): ChargedInterval[] {
  const byDay = new Map<number, number>();
  for (const { day, quantity } of days)
    if (quantity > 0) byDay.set(day.getTime(), Math.max(quantity, byDay.get(day.getTime()) ?? 0));
  const intervals: ChargedInterval[] = [];
  for (const [day, quantity] of [...byDay].sort(([a], [b]) => a - b)) {
    const last = intervals.at(-1);
    if (last && last.to.getTime() === day && last.quantity === quantity) last.to = new Date(day + DAY_MS);
    else intervals.push({ from: new Date(day), to: new Date(day + DAY_MS), quantity });
  }
  return intervals;
}
