import type { BillingPeriod } from './ledger-entry.js';

/** One UTC day in milliseconds; billing days are UTC calendar days, so no daylight-saving gaps. */
export const DAY_MS = 86_400_000;

/** A billing period [from, to): both UTC midnights, from < to. */
export interface InvoicePeriod {
  from: Date;
  to: Date;
}

/** A quantity held on one UTC day (`day` is that day's starting midnight). */
export interface DayQuantity {
  day: Date;
  quantity: number;
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

/** Days in the calendar month (month prices) or calendar year (year prices) that contains `day`. */
export function daysInRateUnit(day: Date, billingPeriod: BillingPeriod): number {
  const year = day.getUTCFullYear();
  if (billingPeriod === 'year') return Date.UTC(year + 1, 0, 1) / DAY_MS - Date.UTC(year, 0, 1) / DAY_MS;
  const month = day.getUTCMonth();
  return Date.UTC(year, month + 1, 1) / DAY_MS - Date.UTC(year, month, 1) / DAY_MS;
}

/**
 * The amount for quantities held on days at `unitPriceMinor` per period: the exact sum of
 * quantity * unitPrice / daysInRateUnit(day), rounded once (half up) to minor units. Exact
 * rational arithmetic, so a full month of one seat at 2700 is 2700 and never 2699.99.
 */
export function proratedAmountMinor(
  unitPriceMinor: number,
  billingPeriod: BillingPeriod,
  days: Iterable<DayQuantity>,
): number {
  const quantityByDivisor = new Map<number, number>();
  for (const { day, quantity } of days) {
    const divisor = daysInRateUnit(day, billingPeriod);
    quantityByDivisor.set(divisor, (quantityByDivisor.get(divisor) ?? 0) + quantity);
  }
  let numerator = 0n;
  let denominator = 1n;
  for (const [divisor, quantity] of quantityByDivisor) {
    const d = BigInt(divisor);
    numerator = numerator * d + BigInt(unitPriceMinor) * BigInt(quantity) * denominator;
    denominator *= d;
    const common = gcd(numerator, denominator);
    numerator /= common;
    denominator /= common;
  }
  return Number(roundHalfUp(numerator, denominator));
}

/** n / d rounded half up, for n >= 0 and d > 0 (amounts are never negative). */
function roundHalfUp(n: bigint, d: bigint): bigint {
  return (2n * n + d) / (2n * d);
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
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
