import { Counter, Gauge, type Registry } from 'prom-client';
import type { RuleWatcher } from '@acme/rules';

/**
 * The policy rules as Prometheus sees them: which rule-set version decides
 * (`licensing_rules_active_info{version}` 1), whether the files on disk were refused and differ
 * from it (`licensing_rules_drift` 1 until the files check again), and every reload by outcome
 * (`licensing_rules_reloads_total{outcome="applied"|"refused"}`). An alert on drift catches an edit
 * that never took effect.
 */
export class RulesMetrics {
  private readonly reloads = { applied: 0, refused: 0 };

  /** A reload switched to a new set. */
  applied(): void {
    this.reloads.applied += 1;
  }

  /** A reload was refused: the previous set keeps deciding. */
  refused(): void {
    this.reloads.refused += 1;
  }

  /** Exposes the figures on `registry`, the active version read at each scrape. */
  register(registry: Registry, rules: Pick<RuleWatcher, 'current' | 'drift'>): void {
    const reloads = () => this.reloads;
    new Gauge({
      name: 'licensing_rules_active_info',
      help: 'The rule-set version deciding now (value 1)',
      labelNames: ['version'],
      registers: [registry],
      collect() {
        this.reset();
        this.set({ version: rules.current().version }, 1);
      },
    });
    new Gauge({
      name: 'licensing_rules_drift',
      help: '1 while the policy files on disk were refused and differ from the active rule set',
      registers: [registry],
      collect() {
        this.set(rules.drift() === null ? 0 : 1);
      },
    });
    new Counter({
      name: 'licensing_rules_reloads_total',
      help: 'Reloads of the policy files since start, applied or refused (the previous set kept)',
      labelNames: ['outcome'],
      registers: [registry],
      collect() {
        this.reset();
        this.inc({ outcome: 'applied' }, reloads().applied);
        this.inc({ outcome: 'refused' }, reloads().refused);
      },
    });
  }
}
