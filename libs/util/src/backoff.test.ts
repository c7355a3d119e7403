import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt up to the maximum', () => {
    const top = () => 1;
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, { initialMs: 100, maxMs: 500, random: top }))).toEqual([
      100, 200, 400, 500,
    ]);
  });

  it('waits a random share of the ceiling, never more', () => {
    expect(backoffDelay(3, { initialMs: 100, random: () => 0.5 })).toBe(200);
    expect(backoffDelay(3, { initialMs: 100, random: () => 0 })).toBe(0);
  });
});
