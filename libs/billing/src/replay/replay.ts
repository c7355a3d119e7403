import { setTimeout as sleep } from 'node:timers/promises';
import type { LedgerDatabase } from '@acme/billing-data-access';
import {
  LICENSE_EVENTS_TOPIC,
  readTopicSnapshot,
  TopicAdmin,
  type EventMessage,
  type EventPublisher,
  type Kafka,
} from '@acme/messaging';
import type { Logger } from '@acme/util';
import { createLedgerHandler } from '../consumer/ledger-handler.js';
import { compareLedgers, type LedgerComparison } from './compare-ledgers.js';

export interface ReplayReport extends LedgerComparison {
  /** Messages read from the topic (the snapshot up to the high watermarks at the start). */
  messages: number;
  /** Messages the replay would have dead-lettered (not sent again). */
  deadLetters: number;
  /** Per partition, where the snapshot ends. */
  endOffsets: Record<number, string>;
  /** False when the live consumer group had not reached the snapshot in time (then nothing is compared). */
  liveCaughtUp: boolean;
}

export interface ReplayOptions {
  kafka: Kafka;
  /** The live ledger, and the consumer group that feeds it. */
  live: LedgerDatabase;
  groupId: string;
  /** An empty, migrated ledger to rebuild into. */
  rebuilt: LedgerDatabase;
  logger: Logger;
  /** How long to wait for the live group to reach the snapshot before giving up. */
  waitForLiveMs?: number;
  topic?: string;
}

/**
 * Rebuilds a ledger from the topic's beginning through the very handler the live consumer uses,
 * then compares it with the live ledger, restricted to the same snapshot of the topic. They must
 * be identical: that is what makes the ledger a pure function of the events.
 */
export async function replayAndCompare(options: ReplayOptions): Promise<ReplayReport> {
  const topic = options.topic ?? LICENSE_EVENTS_TOPIC;
  const { processedEvents } = await options.rebuilt.counts();
  if (processedEvents > 0)
    throw new Error(`the ledger to rebuild into is not empty (${processedEvents} events): replay needs a fresh one`);
  const deadLetters = new CountingPublisher();
  const handler = createLedgerHandler({ ledger: options.rebuilt, deadLetters, logger: options.logger });
  // Batches and parallel partitions as the live consumer has them, so a replay takes about as long as live consumption.
  const snapshot = await readTopicSnapshot(options.kafka, topic, handler.handle, {
    logger: options.logger,
    chunkSize: 2_000,
    concurrentPartitions: 3,
  });
  const endOffsets = Object.fromEntries([...snapshot.endOffsets].map(([p, o]) => [p, String(o)]));
  const base = { messages: snapshot.messages, deadLetters: deadLetters.count, endOffsets };
  if (!(await liveReached(options, topic, snapshot.endOffsets))) {
    return {
      ...base,
      liveCaughtUp: false,
      identical: false,
      liveEvents: 0,
      rebuiltEvents: 0,
      liveEntries: 0,
      rebuiltEntries: 0,
      differences: [`the live consumer group ${options.groupId} has not consumed up to the snapshot yet`],
    };
  }
  const comparison = await compareLedgers(options.live, options.rebuilt, { topic, endOffsets: snapshot.endOffsets });
  return { ...base, liveCaughtUp: true, ...comparison };
}

/** Waits until the live group's committed offsets reach the snapshot's end on every partition. */
async function liveReached(
  options: ReplayOptions,
  topic: string,
  endOffsets: ReadonlyMap<number, bigint>,
): Promise<boolean> {
  const admin = new TopicAdmin(options.kafka);
  const deadline = Date.now() + (options.waitForLiveMs ?? 30_000);
  try {
    for (;;) {
      const lag = await admin.groupLag(topic, options.groupId);
      if (lag.every((p) => p.committed >= (endOffsets.get(p.partition) ?? 0n))) return true;
      if (Date.now() > deadline) return false;
      await sleep(250);
    }
  } finally {
    await admin.close();
  }
}

/** Dead letters of a replay are counted, not sent: the live consumer sent them already. */
class CountingPublisher implements EventPublisher {
  count = 0;
  async publish(_topic: string, messages: EventMessage[]): Promise<void> {
    this.count += messages.length;
  }
  async close(): Promise<void> {}
}
