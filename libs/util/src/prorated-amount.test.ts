import { describe, expect, it } from 'vitest';
import { daysInRateUnit, proratedAmountMinor } from './prorated-amount.js';

const d = (iso: string) => new Date(iso);
/** The 30 days of November 2026, each as its starting midnight. */
const NOVEMBER_DAYS = Array.from({ length: 30 }, (_, i) => new Date(Date.UTC(2026, 10, i + 1)));
const one = (...isoDays: string[]) => isoDays.map((day) => ({ day: d(`${day}T00:00:00Z`), quantity: 1 }));

describe('daysInRateUnit', () => {
  it('counts the days of the calendar month or year that contains a day', () => {
    expect(daysInRateUnit(d('2026-11-15T00:00:00Z'), 'month')).toBe(30);
    expect(daysInRateUnit(d('2027-01-31T00:00:00Z'), 'month')).toBe(31);
    expect(daysInRateUnit(d('2027-02-01T00:00:00Z'), 'month')).toBe(28);
    expect(daysInRateUnit(d('2028-02-29T00:00:00Z'), 'month')).toBe(29);
    expect(daysInRateUnit(d('2026-06-01T00:00:00Z'), 'year')).toBe(365);
    expect(daysInRateUnit(d('2028-12-31T00:00:00Z'), 'year')).toBe(366);
  });
});

describe('proratedAmountMinor: exact sum, rounded once, half up', () => {
  it('charges a full month of one seat at exactly the monthly price', () => {
    // 30 days * 2700/30 = 2700.
    expect(proratedAmountMinor(2700, 'month', one(...NOVEMBER_DAYS.map((day) => day.toISOString().slice(0, 10))))).toBe(
      2700,
    );
  });

  it('rounds the sum once, not each day', () => {
    // October: 31 days * 1000/31 = 1000 exactly; rounding per day would give 32 * 31 = 992.
    const october = Array.from({ length: 31 }, (_, i) => `2026-10-${String(i + 1).padStart(2, '0')}`);
    expect(proratedAmountMinor(1000, 'month', one(...october))).toBe(1000);
  });

  it('rounds half up', () => {
    expect(proratedAmountMinor(15, 'month', one('2026-11-05'))).toBe(1); // 15/30 = 0.5 -> 1
    expect(proratedAmountMinor(15, 'month', one('2026-11-05', '2026-11-06', '2026-11-07'))).toBe(2); // 45/30 = 1.5 -> 2
    expect(proratedAmountMinor(14, 'month', one('2026-11-05'))).toBe(0); // 14/30 = 0.467 -> 0
  });

  it("uses each day's own month length across a month boundary", () => {
    // Jan 30, Jan 31 at 1000/31 and Feb 1 at 1000/28: (2*28000 + 31000) / 868 = 87000/868 = 100.23 -> 100
    // (rounding per month would give 65 + 36 = 101).
    expect(proratedAmountMinor(1000, 'month', one('2027-01-30', '2027-01-31', '2027-02-01'))).toBe(100);
  });

  it('divides year prices by the days of the calendar year', () => {
    // 2 seats * 30 days of 2026 at 120000/365: 7,200,000/365 = 19726.03 -> 19726.
    const days2 = NOVEMBER_DAYS.map((day) => ({ day, quantity: 2 }));
    expect(proratedAmountMinor(120000, 'year', days2)).toBe(19726);
    // 2028 is a leap year: 29 February days at 36600/366 = 100 a day -> 2900.
    const february2028 = Array.from({ length: 29 }, (_, i) => `2028-02-${String(i + 1).padStart(2, '0')}`);
    expect(proratedAmountMinor(36600, 'year', one(...february2028))).toBe(2900);
  });

  it('is 0 for no days', () => {
    expect(proratedAmountMinor(2700, 'month', [])).toBe(0);
  });
});
