import { Counter, Gauge, type Registry } from 'prom-client';
import type { DecisionLogWriter } from './decision-log-writer.js';

/**
 * The decision log as Prometheus sees it: decisions written and dropped (the queue was full while
 * the database could not take them), and how many wait. Dropped above zero means lost decisions.
 */
export function registerDecisionLogMetrics(registry: Registry, writer: Pick<DecisionLogWriter, 'stats'>): void {
  new Counter({
    name: 'licensing_decision_log_written_total',
    help: 'Policy decisions written to the decision log',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(writer.stats().written);
    },
  });
  new Counter({
    name: 'licensing_decision_log_dropped_total',
    help: 'Policy decisions dropped: the queue was full while the database could not take them',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(writer.stats().dropped);
    },
  });
  new Gauge({
    name: 'licensing_decision_log_pending',
    help: 'Policy decisions waiting to be written',
    registers: [registry],
    collect() {
      this.set(writer.stats().pending);
    },
  });
}
