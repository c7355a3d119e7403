/** Median, spread and percentiles: what every benchmark reports. */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** How far the runs stray from their median, as `-a% / +b%` (the machine is noisy: say how noisy). */
export function spread(values: readonly number[]): { low: number; high: number; text: string } {
  const m = median(values);
  const low = m === 0 ? 0 : (Math.min(...values) - m) / m;
  const high = m === 0 ? 0 : (Math.max(...values) - m) / m;
  return { low, high, text: `${(low * 100).toFixed(0)}% / +${(high * 100).toFixed(0)}%` };
}

/** The median of per-run ratios a/b, each run pairing a measurement with its own ceiling. */
export function medianRatio(numerators: readonly number[], denominators: readonly number[]): number {
  return median(numerators.map((n, i) => n / denominators[i]!));
}

/** One cumulative histogram bucket, as Prometheus exposes it: `count` observations at or below `le`. */
export interface Bucket {
  le: number;
  count: number;
}

/**
 * The q-quantile of the observations a cumulative histogram counts, interpolated linearly inside
 * the bucket it falls in (what Prometheus' histogram_quantile does). NaN without observations.
 */
export function histogramQuantile(buckets: readonly Bucket[], q: number): number {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted[sorted.length - 1]?.count ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let previous = { le: 0, count: 0 };
  for (const bucket of sorted) {
    if (bucket.count >= rank) {
      if (!Number.isFinite(bucket.le)) return previous.le;
      const inBucket = bucket.count - previous.count;
      return previous.le + (inBucket === 0 ? 0 : ((rank - previous.count) / inBucket) * (bucket.le - previous.le));
    }
    previous = bucket;
  }
  return previous.le;
}
