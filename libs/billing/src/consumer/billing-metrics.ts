import { Counter, Gauge, Summary, type Registry } from 'prom-client';
import type { PartitionLag } from '@acme/messaging';
import type { LedgerHandlerOptions } from './ledger-handler.js';

/**
 * The billing consumer's Prometheus metrics. Returns the per-batch hook that feeds the counters;
 * consumer lag is read from the brokers at scrape time (committed offsets against high watermarks).
 */
export function registerBillingMetrics(registry: Registry, lag: (() => Promise<PartitionLag[]>) | null): NonNullable<LedgerHandlerOptions['onBatch']> {
  const recorded = new Counter({ name: 'billing_events_recorded_total', help: 'License events recorded in the ledger', registers: [registry] });
  const duplicates = new Counter({ name: 'billing_events_duplicate_total', help: 'Redelivered license events that changed nothing', registers: [registry] });
  const deadLettered = new Counter({ name: 'billing_events_dead_lettered_total', help: 'License events sent to the dead-letter topic', registers: [registry] });
  const unknown = new Counter({ name: 'billing_events_unknown_type_total', help: 'License events of unknown types, skipped', labelNames: ['event_type'], registers: [registry] });
  // A summary, not a histogram: operators and the latency benchmark want exact recent quantiles.
  const delay = new Summary({
    name: 'billing_event_recording_delay_seconds',
    help: 'From the licensing change (occur_time) to its ledger commit, over the last minute',
    percentiles: [0.5, 0.9, 0.99],
    maxAgeSeconds: 60,
    ageBuckets: 6,
    registers: [registry],
  });
  if (lag) {
    new Gauge({
      name: 'billing_consumer_lag',
      help: 'Messages of license-events not yet committed by this consumer group, per partition',
      labelNames: ['partition'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const p of await lag()) this.set({ partition: String(p.partition) }, Number(p.lag));
      },
    });
  }
  return (batch) => {
    recorded.inc(batch.recorded);
    duplicates.inc(batch.duplicates);
    deadLettered.inc(batch.deadLettered);
    for (const type of batch.unknown) unknown.inc({ event_type: type });
    for (const ms of batch.eventAgesMs) delay.observe(ms / 1000);
  };
}
