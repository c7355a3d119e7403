/**
 * Exponential back-off with full jitter: attempt 1 waits up to `initialMs`, each further attempt
 * doubles the ceiling up to `maxMs`. Jitter keeps many retrying instances from hammering a
 * recovering broker or database in lockstep.
 */
export function backoffDelay(
  attempt: number,
  options: { initialMs?: number; maxMs?: number; random?: () => number } = {},
): number {
  const initial = options.initialMs ?? 100;
  const max = options.maxMs ?? 10_000;
  const ceiling = Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
  return Math.round((options.random ?? Math.random)() * ceiling);
}
