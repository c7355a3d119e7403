/**
 * Prorated money: one seat price per month or year, charged per UTC day held. The one
 * implementation of that arithmetic: billing's invoice lines and licensing's quotes both call it,
 * so what a quote shows is what the invoice computes.
 */

/** Period a unit price covers. */
export type RatePeriod = 'month' | 'year';

/** One UTC day in milliseconds; billing days are UTC calendar days, so no daylight-saving gaps. */
export const DAY_MS = 86_400_000;

/** A quantity held on one UTC day (`day` is that day's starting midnight). */
export interface DayQuantity {
  day: Date;
  quantity: number;
}

/** Days in the calendar month (month prices) or calendar year (year prices) that contains `day`. */
export function daysInRateUnit(day: Date, billingPeriod: RatePeriod): number {
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
  billingPeriod: RatePeriod,
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
