import { describe, expect, it } from 'vitest';
import { chargedDays, isUtcMidnight, periodDays } from './proration.js';

const d = (iso: string) => new Date(iso);
const NOVEMBER = { from: d('2026-11-01T00:00:00Z'), to: d('2026-12-01T00:00:00Z') };
const days = (list: Date[]) => list.map((day) => day.toISOString().slice(0, 10));

describe('calendar helpers', () => {
  it('recognises UTC midnights only', () => {
    expect(isUtcMidnight(d('2026-11-01T00:00:00Z'))).toBe(true);
    expect(isUtcMidnight(d('2026-11-01T00:00:00.001Z'))).toBe(false);
    expect(isUtcMidnight(d('2026-11-01T00:00:00+01:00'))).toBe(false);
  });

  it('lists the days of a period', () => {
    expect(periodDays(NOVEMBER)).toHaveLength(30);
    expect(days(periodDays({ from: d('2027-01-30T00:00:00Z'), to: d('2027-02-02T00:00:00Z') }))).toEqual([
      '2027-01-30',
      '2027-01-31',
      '2027-02-01',
    ]);
  });
});

describe('chargedDays: a day counts when the holding is in place at its end', () => {
  it('charges a seat assigned Nov 3 10:00 and still open for Nov 3 .. Nov 30 (28 days)', () => {
    const charged = chargedDays(d('2026-11-03T10:00:00Z'), null, NOVEMBER);
    expect(charged).toHaveLength(28);
    expect(days([charged[0]!, charged.at(-1)!])).toEqual(['2026-11-03', '2026-11-30']);
  });

  it('charges nothing for a holding opened and closed on the same day', () => {
    expect(chargedDays(d('2026-11-03T10:00:00Z'), d('2026-11-03T15:00:00Z'), NOVEMBER)).toEqual([]);
  });

  it('charges the day before a holding that ends at exactly midnight, not the day it ends', () => {
    // Ends Nov 15 00:00: held at the end of Nov 14, not at the end of Nov 15 -> Nov 1..14.
    expect(days(chargedDays(d('2026-10-01T00:00:00Z'), d('2026-11-15T00:00:00Z'), NOVEMBER))).toEqual(
      Array.from({ length: 14 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`),
    );
  });

  it('charges from the day a holding starts at exactly midnight', () => {
    // Starts Nov 15 00:00: held at the end of Nov 15 .. Nov 30 -> 16 days.
    expect(chargedDays(d('2026-11-15T00:00:00Z'), null, NOVEMBER)).toHaveLength(16);
  });

  it('clips to the period on both sides', () => {
    expect(chargedDays(d('2026-01-01T00:00:00Z'), d('2027-06-01T00:00:00Z'), NOVEMBER)).toHaveLength(30);
    expect(chargedDays(d('2026-01-01T00:00:00Z'), d('2026-11-01T00:00:00Z'), NOVEMBER)).toEqual([]);
    expect(chargedDays(d('2026-12-01T00:00:00Z'), null, NOVEMBER)).toEqual([]);
  });
});
