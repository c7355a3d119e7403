import { describe, expect, it } from 'vitest';
import { median, medianRatio, percentile, spread } from './stats.js';

describe('stats', () => {
  it('takes medians and nearest-rank percentiles', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([], 50)).toBeNaN();
  });

  it('says how far runs stray from their median', () => {
    expect(spread([80, 100, 125]).text).toBe('-20% / +25%');
  });

  it('pairs each measurement with the ceiling of its own run', () => {
    expect(medianRatio([50, 60, 40], [100, 100, 100])).toBe(0.5);
  });
});
