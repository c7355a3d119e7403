import type { RuleSet } from '@acme/rules';

/** The seat-usage thresholds of the rule data (`policies/data/seat-thresholds.json`), ascending. */
export function seatThresholdsOf(rules: RuleSet): number[] {
  const data = rules.params.seatThresholds as { percents: number[] } | undefined;
  if (!data) throw new Error('the rule set has no seat thresholds (policies/data/seat-thresholds.json)');
  return [...data.percents].sort((a, b) => a - b);
}

/** The highest threshold that `assigned` of `purchased` seats reaches; 0 when none (or nothing was bought). */
export function levelReached(thresholds: number[], assigned: number, purchased: number): number {
  if (purchased <= 0) return 0;
  // Integers only: 8 of 10 seats reaches 80% exactly.
  return thresholds.filter((t) => assigned * 100 >= t * purchased).at(-1) ?? 0;
}

/**
 * What moving from the notice standing at `from` to the level `to` reports: every threshold
 * crossed upwards is triggered (lowest first), every one crossed downwards resolved (highest
 * first). Thresholds no longer in the rule data are still resolved when usage falls below them.
 */
export function crossings(thresholds: number[], from: number, to: number): { triggered: number[]; resolved: number[] } {
  if (to > from) return { triggered: thresholds.filter((t) => t > from && t <= to), resolved: [] };
  if (to < from) {
    const resolved = [...new Set([...thresholds.filter((t) => t > to && t <= from), from])].sort((a, b) => b - a);
    return { triggered: [], resolved };
  }
  return { triggered: [], resolved: [] };
}
