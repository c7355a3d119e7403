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
