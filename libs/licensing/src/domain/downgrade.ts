import type { RuleSet } from '@acme/rules';

/** A user holding a seat that a reduction might take away. */
export interface SeatHolder {
  userId: string;
  displayName: string;
  /** ISO time the seat was assigned. */
  assignedAt: string;
}

export type DowngradeOrder = 'most_recent_first' | 'alphabetical' | 'explicit';

/** The order downgrades follow: the request's, else the rule data's default (`policies/data/downgrade.json`). */
export function downgradeOrder(rules: RuleSet, requested: string): DowngradeOrder {
  if (requested) return requested as DowngradeOrder;
  const order = (rules.params.downgrade as { defaultOrder?: DowngradeOrder } | undefined)?.defaultOrder;
  if (!order) throw new Error('the rule set has no default downgrade order (policies/data/downgrade.json)');
  return order;
}

/**
 * Who loses the seat when seats fall below usage. Zendesk: "the most recently added agents are
 * downgraded"; alphabetical and an explicit list are the alternatives. Ties break by user id so
 * the choice is deterministic.
 */
export function selectDowngrades(
  holders: SeatHolder[],
  count: number,
  order: DowngradeOrder,
  explicitUserIds: string[] = [],
): string[] {
  if (count <= 0) return [];
  if (order === 'explicit') return explicitUserIds.filter((id) => holders.some((h) => h.userId === id)).slice(0, count);
  const sorted = [...holders].sort((a, b) =>
    order === 'alphabetical'
      ? a.displayName.localeCompare(b.displayName, 'en') || a.userId.localeCompare(b.userId)
      : b.assignedAt.localeCompare(a.assignedAt) || b.userId.localeCompare(a.userId),
  );
  return sorted.slice(0, count).map((h) => h.userId);
}
