import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { OutboxEvent } from './models/index.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

/** An outbox event waiting to be published. */
export interface PendingOutboxEvent {
  id: string;
  accountId: string;
  sequence: number;
  eventType: string;
  /** Serialized acme.licensing.events.v1.EventEnvelope. */
  payload: Uint8Array;
  occurredAt: Date;
}

export interface RelayBatchResult {
  /** False when another relay holds the shard right now; nothing was read or published. */
  claimed: boolean;
  published: number;
}

/** Advisory-lock class of relay shards (the shard number is the lock's second key). */
const RELAY_LOCK_CLASS = 741_001;

/** Shards that have unpublished events (an index-only scan over the unpublished rows). */
export async function shardsWithPendingEvents(em: Em): Promise<number[]> {
  const rows = (await em.execute('select distinct relay_shard from outbox_event where published_at is null order by relay_shard', [], 'all')) as { relay_shard: number }[];
  return rows.map((r) => Number(r.relay_shard));
}

/**
 * Publishes the oldest unpublished events of one shard, in (account, sequence) order, and marks
 * them published only once `publish` resolved: a failed or interrupted publish leaves them for the
 * next attempt (at least once). On PostgreSQL the shard's transaction-scoped advisory lock makes
 * this exclusive across service instances; it is released at commit, at rollback and when a
 * crashed instance's connection drops, so no lease can be left behind.
 */
export async function relayShardBatch(
  em: Em,
  dialect: 'postgres' | 'libsql',
  shard: number,
  limit: number,
  publish: (events: PendingOutboxEvent[]) => Promise<void>,
  now: () => Date,
): Promise<RelayBatchResult> {
  if (dialect === 'libsql') {
    // One process owns an embedded database, so there is no other relay to exclude; and libsql
    // shares one connection, so a transaction must not stay open across the publish.
    return publishAndMark(em, shard, limit, publish, now);
  }
  return em.transactional(async (tx) => {
    const [lock] = (await tx.execute('select pg_try_advisory_xact_lock(?, ?) as claimed', [RELAY_LOCK_CLASS, shard], 'all')) as { claimed: boolean }[];
    if (!lock?.claimed) return { claimed: false, published: 0 };
    return publishAndMark(tx, shard, limit, publish, now);
  });
}

async function publishAndMark(em: Em, shard: number, limit: number, publish: (events: PendingOutboxEvent[]) => Promise<void>, now: () => Date): Promise<RelayBatchResult> {
  const rows = await em.find(OutboxEvent, { publishedAt: null, relayShard: shard }, { orderBy: { account: 'asc', sequence: 'asc' }, limit });
  if (rows.length === 0) return { claimed: true, published: 0 };
  await publish(
    rows.map((r) => ({ id: r.id, accountId: r.account.id, sequence: r.sequence, eventType: r.eventType, payload: new Uint8Array(r.payload), occurredAt: r.occurredAt })),
  );
  await em.nativeUpdate(OutboxEvent, { id: rows.map((r) => r.id) }, { publishedAt: now() });
  return { claimed: true, published: rows.length };
}

/** How far the relay is behind: unpublished events and the time of the oldest. */
export async function outboxBacklog(em: Em): Promise<{ pending: number; oldestOccurredAt: Date | null }> {
  const [pending, oldest] = await Promise.all([
    em.count(OutboxEvent, { publishedAt: null }),
    em.findOne(OutboxEvent, { publishedAt: null }, { orderBy: { occurredAt: 'asc' }, fields: ['occurredAt'] }),
  ]);
  return { pending, oldestOccurredAt: oldest?.occurredAt ?? null };
}
