import type { RuleSet } from '@acme/rules';

/**
 * The phone-configuration retention parameters (`policies/data/retention.json`: how many days a
 * configuration is kept after GoTo Connect is removed, and which products carry one). The data
 * file's schema requires both; the rules decide when a configuration is retained or restored.
 */
export function retentionOf(rules: RuleSet): { days: number; productIds: string[] } {
  const retention = rules.params.retention as { days: number; productIds: string[] } | undefined;
  if (!retention) throw new Error('the rule set has no retention parameters (policies/data/retention.json)');
  return retention;
}

/** When a configuration retained now is purged. */
export function purgeTime(rules: RuleSet, now: Date): Date {
  return new Date(now.getTime() + retentionOf(rules).days * 86_400_000);
}
