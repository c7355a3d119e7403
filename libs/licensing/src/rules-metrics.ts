import { Counter, Gauge, type Registry } from 'prom-client';
import type { RuleWatcher } from '@acme/rules';

/** The rules as `GET /health` shows them: what decides now, from where, and what was refused. */
export interface RulesHealth {
  /** The active rule set's version (the content hash, a bundle's `contentHash`). */
  version: string;
  source: 'directory' | 'bundle';
  /** The bundle's label (`manifest.version`); null for a directory. */
  bundleVersion: string | null;
  path: string;
  /** The version on disk that was refused and differs from the active set; null when in step. */
  drift: string | null;
  /** When the active set became active: the start, or the last reload that switched. */
  lastReloadAt: string;
}

type WatchedRules = Pick<RuleWatcher, 'current' | 'drift' | 'source' | 'activeSince'>;

export function rulesHealth(rules: WatchedRules): RulesHealth {
  const source = rules.source();
  return {
    version: rules.current().version,
    source: source.kind,
    bundleVersion: source.bundleVersion ?? null,
    path: source.path,
    drift: rules.drift(),
    lastReloadAt: rules.activeSince().toISOString(),
  };
}

/**
 * The policy rules as Prometheus sees them: which rule-set version decides, from a directory or a
 * bundle (`licensing_rules_active_info{version,source,bundle_version}` 1; `bundle_version` empty
 * for a directory), whether the files (or the bundle) on disk were refused and differ from it
 * (`licensing_rules_drift` 1 until they check again), and every reload by outcome
 * (`licensing_rules_reloads_total{outcome="applied"|"refused"}`). An alert on drift catches an edit
 * or a bundle that never took effect.
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
  register(registry: Registry, rules: WatchedRules): void {
    const reloads = () => this.reloads;
    new Gauge({
      name: 'licensing_rules_active_info',
      help: 'The rule-set version deciding now (value 1)',
      labelNames: ['version', 'source', 'bundle_version'],
      registers: [registry],
      collect() {
        this.reset();
        const source = rules.source();
        this.set(
          { version: rules.current().version, source: source.kind, bundle_version: source.bundleVersion ?? '' },
          1,
        );
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
