import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';

describe('newId', () => {
  it('carries its prefix and 26 base32 characters', () => {
    expect(newId('acct')).toMatch(/^acct_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(newId('asg')).toMatch(/^asg_/);
  });

  it('sorts by creation time across milliseconds', () => {
    const earlier = newId('usr', Date.UTC(2026, 0, 1));
    const later = newId('usr', Date.UTC(2026, 0, 1) + 1);
    expect(earlier < later).toBe(true);
    expect(newId('usr', 0).slice(4, 14)).toBe('0000000000');
  });

  it('never repeats', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId('usr', 42)));
    expect(ids.size).toBe(10_000);
  });
});
