import { describe, expect, it } from 'vitest';
import { monthOf } from './invoice-routes.js';

describe('the invoice month', () => {
  it('is the month asked for, midnight UTC to midnight UTC, with its neighbours across a year', () => {
    expect(monthOf('2027-01')).toEqual({
      key: '2027-01',
      start: new Date('2027-01-01T00:00:00Z'),
      end: new Date('2027-02-01T00:00:00Z'),
      previous: '2026-12',
      next: '2027-02',
    });
    expect(monthOf('2026-12').next).toBe('2027-01');
  });

  it('is this month (UTC) for anything else', () => {
    const now = new Date('2026-12-31T23:30:00-05:00'); // already January in UTC
    for (const value of [undefined, '', '2026-13', '2026-1', ['2026-05'], '2026-05; drop']) {
      expect(monthOf(value, now).key).toBe('2027-01');
    }
  });
});
