import { Histogram, type Registry } from 'prom-client';
import type { Database } from '@acme/licensing-data-access';

/** From 0.1 ms (an uncontended phase) to 2.5 s (a long queue for one account's lock). */
const BUCKETS_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * The phases of committed mutations as a Prometheus histogram (PostgreSQL): `prefetch` is mostly
 * the wait for the account's lock when one account is busy; `decide` and `commit` are how long
 * each mutation holds that lock, so they bound how many mutations per second one account takes.
 * Returns the unsubscribe function.
 */
export function registerMutationMetrics(registry: Registry, database: Pick<Database, 'onMutationTimed'>): () => void {
  const phases = new Histogram({
    name: 'licensing_mutation_phase_seconds',
    help:
      'Phases of committed mutations on PostgreSQL: prefetch (waiting for the account lock, then reading), ' +
      'decide (from the prefetch answer to the write statement, the account locked: the service work and ' +
      'any statement in between), commit (the write statement with its COMMIT)',
    labelNames: ['phase'],
    buckets: BUCKETS_SECONDS,
    registers: [registry],
  });
  const prefetch = phases.labels('prefetch');
  const decide = phases.labels('decide');
  const commit = phases.labels('commit');
  return database.onMutationTimed((timing) => {
    prefetch.observe(timing.prefetchMs / 1000);
    decide.observe(timing.decideMs / 1000);
    commit.observe(timing.commitMs / 1000);
  });
}
