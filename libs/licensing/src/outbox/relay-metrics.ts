import { Counter, Gauge, type Registry } from 'prom-client';
import type { Database } from '@acme/licensing-data-access';
import type { OutboxRelay } from './outbox-relay.js';

/**
 * Relay lag as Prometheus metrics: what waits in the outbox (read from the database at scrape
 * time, so every instance reports the shared backlog) and what this instance published.
 */
export function registerRelayMetrics(
  registry: Registry,
  backlog: Database['outbox']['backlog'],
  relay: OutboxRelay | null,
): void {
  // Both gauges come from one query per scrape.
  let pending: ReturnType<typeof backlog> | null = null;
  const read = () => (pending ??= backlog().finally(() => setTimeout(() => (pending = null), 500).unref()));
  new Gauge({
    name: 'outbox_pending_events',
    help: 'Outbox events not yet published to the topic (all instances)',
    registers: [registry],
    async collect() {
      this.set((await read()).pending);
    },
  });
  new Gauge({
    name: 'outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest unpublished outbox event; 0 when none waits',
    registers: [registry],
    async collect() {
      const { oldestOccurredAt } = await read();
      this.set(oldestOccurredAt ? Math.max(0, (Date.now() - oldestOccurredAt.getTime()) / 1000) : 0);
    },
  });
  if (!relay) return;
  new Counter({
    name: 'outbox_events_published_total',
    help: 'Outbox events this instance published',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(relay.stats().published);
    },
  });
  new Counter({
    name: 'outbox_publish_failures_total',
    help: 'Relay passes of this instance that failed (broker or database unavailable)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(relay.stats().failedAttempts);
    },
  });
}
