import { describe, expect, it } from 'vitest';
import { histogramQuantile, median, medianRatio, percentile, spread } from './stats.js';

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

describe('histogramQuantile', () => {
  it('interpolates inside the bucket the rank falls in, as Prometheus does', () => {
    const buckets = [
      { le: 0.1, count: 50 },
      { le: 0.2, count: 90 },
      { le: 0.5, count: 100 },
      { le: Infinity, count: 100 },
    ];
    expect(histogramQuantile(buckets, 0.5)).toBeCloseTo(0.1);
    expect(histogramQuantile(buckets, 0.7)).toBeCloseTo(0.15);
    expect(histogramQuantile(buckets, 0.99)).toBeCloseTo(0.47);
    expect(
      histogramQuantile(
        [
          { le: 1, count: 0 },
          { le: Infinity, count: 0 },
        ],
        0.5,
      ),
    ).toBeNaN();
  });
});
