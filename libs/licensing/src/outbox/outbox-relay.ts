import { setTimeout as sleep } from 'node:timers/promises';
import type { Database, PendingOutboxEvent } from '@acme/licensing-data-access';
import { LICENSE_EVENTS_TOPIC, type EventPublisher } from '@acme/messaging';
import { backoffDelay, type Logger } from '@acme/util';
import { batchLogFields, type BatchLogFields } from './relay-log.js';
import { tracedMessages } from './publish-spans.js';

/** What the relay needs of the database (the outbox half of `Database`). */
export type RelayStore = Pick<Database['outbox'], 'shardsWithPending' | 'relayShards'>;

export interface OutboxRelayOptions {
  store: RelayStore;
  publisher: EventPublisher;
  logger: Logger;
  topic?: string;
  /** Events per publish (and per transaction that marks them). */
  batchSize?: number;
  /**
   * How long this instance may hold its shards without progress (a hung publish, a frozen
   * process) before PostgreSQL ends its session and another instance takes them over.
   */
  leaseMs?: number;
  /** How often to look for events written by other instances when nothing woke the relay. */
  pollIntervalMs?: number;
  /** First back-off after a failure (doubled on each further one), and its ceiling. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  now?: () => Date;
}

export interface OutboxRelayStats {
  published: number;
  failedAttempts: number;
  /** Failures since the last successful pass; 0 when healthy. */
  consecutiveFailures: number;
  lastError: string | null;
}

/** When another instance holds a shard we have work for, look again this soon. */
const BUSY_RETRY_MS = 25;

/**
 * Publishes the transactional outbox to the topic, in per-account order, at least once. Each pass
 * takes the shards that have unpublished events and relays them batch by batch; a shard another
 * instance is relaying is skipped and retried shortly. A failing publish leaves the events in the
 * outbox and the relay backs off (exponentially, with jitter) until the broker is back, so nothing
 * is lost while it is down. Commits that appended events wake it at once; otherwise it polls.
 */
export class OutboxRelay {
  private readonly topic: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => Date;
  private readonly counters: OutboxRelayStats = {
    published: 0,
    failedAttempts: 0,
    consecutiveFailures: 0,
    lastError: null,
  };
  private running: Promise<void> | null = null;
  private stopping = false;
  private woken = false;
  private pauseController: AbortController | null = null;
  private pauseWakeable = false;
  /** The batch whose publish failed last, for the warning that says what waits in the outbox. */
  private failedBatch: BatchLogFields | null = null;

  constructor(private readonly options: OutboxRelayOptions) {
    this.topic = options.topic ?? LICENSE_EVENTS_TOPIC;
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.initialBackoffMs = options.initialBackoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** New events are committed: relay them now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    if (this.pauseWakeable) this.pauseController?.abort();
  }

  /** Finishes the batch in flight (it is published and marked, or left for next time), then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.pauseController?.abort();
    await this.running;
  }

  stats(): OutboxRelayStats {
    return { ...this.counters };
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let delay: number;
      try {
        const busy = await this.pass();
        this.counters.consecutiveFailures = 0;
        delay = busy ? BUSY_RETRY_MS : this.pollIntervalMs;
      } catch (error) {
        this.counters.failedAttempts += 1;
        this.counters.consecutiveFailures += 1;
        this.counters.lastError = error instanceof Error ? error.message : String(error);
        delay = backoffDelay(this.counters.consecutiveFailures, {
          initialMs: this.initialBackoffMs,
          maxMs: this.maxBackoffMs,
        });
        this.options.logger.warn(
          { err: error, attempt: this.counters.consecutiveFailures, retryInMs: delay, ...this.failedBatch },
          'outbox relay could not publish; events stay in the outbox',
        );
        this.failedBatch = null;
        // While failing, new commits must not cut the back-off short (a retry storm on a dead broker).
        await this.pause(delay, false);
        continue;
      }
      if (!this.woken) await this.pause(delay, true);
    }
  }

  /**
   * One pass: the shards with work, claimed and published together in batches until they run dry;
   * true when some shard was busy elsewhere (another instance is relaying it right now).
   */
  private async pass(): Promise<boolean> {
    this.woken = false;
    const shards = await this.options.store.shardsWithPending();
    for (;;) {
      if (this.stopping || shards.length === 0) return false;
      const result = await this.options.store.relayShards(
        shards,
        this.batchSize,
        (events) => this.publish(events),
        this.now,
        this.options.leaseMs,
      );
      this.counters.published += result.published;
      if (result.published < this.batchSize) return result.claimed.length < shards.length;
    }
  }

  private async publish(events: PendingOutboxEvent[]): Promise<void> {
    const batch = tracedMessages(this.topic, events);
    try {
      await this.options.publisher.publish(this.topic, batch.messages);
      batch.end();
    } catch (error) {
      batch.end(error);
      this.failedBatch = batchLogFields(events);
      throw error;
    }
    // One line per batch (at most one per committed change) naming each event's causation id.
    this.options.logger.info(batchLogFields(events), 'outbox events published');
  }

  /** Waits `ms`; `stop()` always ends the wait, `wake()` only when `wakeable`. */
  private async pause(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopping) return;
    const controller = new AbortController();
    this.pauseController = controller;
    this.pauseWakeable = wakeable;
    await sleep(ms, undefined, { signal: controller.signal }).catch(() => undefined);
    this.pauseController = null;
  }
}
