import { describe, expect, it } from 'vitest';
import { proratedMinor, restOfPeriod } from './proration.js';

describe('the rest of a billing period, as invoices charge it', () => {
  it('counts the day of the purchase and every later day of the month', () => {
    // November has 30 days: bought on the 21st (any hour), the 21st..30th are 10 days.
    expect(restOfPeriod(new Date('2026-11-21T23:59:00Z'), 'month')).toEqual({
      periodEnd: new Date('2026-12-01T00:00:00Z'),
      chargedDays: 10,
    });
    expect(restOfPeriod(new Date('2026-11-01T00:00:00Z'), 'month').chargedDays).toBe(30);
    // 2028 is a leap year: its last day is 1 of 366 (36600 a year -> 100 for the day).
    expect(restOfPeriod(new Date('2028-12-31T08:00:00Z'), 'year')).toMatchObject({ chargedDays: 1 });
    expect(proratedMinor(36_600, 1, new Date('2028-12-31T08:00:00Z'), 'year')).toBe(100);
  });

  it('rounds the exact fraction once, half up', () => {
    // 3 seats at 1400 for 10 of 30 days: 4200 / 3 = 1400 exactly.
    expect(proratedMinor(1400, 3, new Date('2026-11-21T10:00:00Z'), 'month')).toBe(1400);
    // 1 seat at 1000 for 1 of 31 days: 32.258... -> 32; 2 of 31 days: 64.516... -> 65.
    expect(proratedMinor(1000, 1, new Date('2026-12-31T10:00:00Z'), 'month')).toBe(32);
    expect(proratedMinor(1000, 1, new Date('2026-12-30T10:00:00Z'), 'month')).toBe(65);
    // A whole month is the unit price.
    expect(proratedMinor(2700, 1, new Date('2026-02-01T00:00:00Z'), 'month')).toBe(2700);
  });
});
