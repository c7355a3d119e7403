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
  /** W3C traceparent of the call that wrote the event; null when it was not traced. */
  traceParent: string | null;
}

export interface RelayBatchResult {
  /** The shards this call held (another relay holds the rest right now: nothing of theirs was read). */
  claimed: number[];
  published: number;
}

/** Advisory-lock class of relay shards (the shard number is the lock's second key). */
const RELAY_LOCK_CLASS = 741_001;

/** Shards that have unpublished events (an index-only scan over the unpublished rows). */
export async function shardsWithPendingEvents(em: Em): Promise<number[]> {
  const rows = (await em.execute(
    'select distinct relay_shard from outbox_event where published_at is null order by relay_shard',
    [],
    'all',
  )) as { relay_shard: number }[];
  return rows.map((r) => Number(r.relay_shard));
}

/**
 * Publishes the oldest unpublished events of the given shards, in (account, sequence) order, as
 * one batch, and marks them published only once `publish` resolved: a failed or interrupted
 * publish leaves them for the next attempt (at least once). On PostgreSQL each shard is claimed
 * with a transaction-scoped advisory lock first, so no two service instances relay one shard (one
 * account) at once; the locks go at commit, at rollback and with a crashed instance's connection,
 * so none can be left behind. Shards another instance holds are skipped, not waited for.
 */
export async function relayShardsBatch(
  em: Em,
  dialect: 'postgres' | 'libsql',
  shards: number[],
  limit: number,
  publish: (events: PendingOutboxEvent[]) => Promise<void>,
  now: () => Date,
  leaseMs: number = DEFAULT_RELAY_LEASE_MS,
): Promise<RelayBatchResult> {
  if (shards.length === 0) return { claimed: [], published: 0 };
  if (dialect === 'libsql') {
    // One process owns an embedded database, so there is no other relay to exclude; and libsql
    // shares one connection, so a transaction must not stay open across the publish.
    return { claimed: shards, published: await publishAndMark(em, shards, limit, publish, now) };
  }
  return em.transactional(async (tx) => {
    // The shard locks are a lease: an instance that stops making progress while it holds them (a
    // hung publish, a frozen or paused process) sits idle in this transaction, and PostgreSQL ends
    // its session after `leaseMs`, which frees the shards for another instance. Its batch was not
    // marked, so it is published again from the same place: duplicates, never a gap or a new order.
    await tx.execute("select set_config('idle_in_transaction_session_timeout', ?, true)", [`${leaseMs}ms`], 'all');
    const values = shards.map(() => '(?::int)').join(', ');
    const rows = (await tx.execute(
      `select shard from (values ${values}) as wanted(shard) where pg_try_advisory_xact_lock(?, shard) order by shard`,
      [...shards, RELAY_LOCK_CLASS],
      'all',
    )) as { shard: number }[];
    const claimed = rows.map((r) => Number(r.shard));
    return { claimed, published: claimed.length === 0 ? 0 : await publishAndMark(tx, claimed, limit, publish, now) };
  });
}

/** How long a relay may hold its shards without a database statement (see relayShardsBatch). */
export const DEFAULT_RELAY_LEASE_MS = 10_000;

async function publishAndMark(
  em: Em,
  shards: number[],
  limit: number,
  publish: (events: PendingOutboxEvent[]) => Promise<void>,
  now: () => Date,
): Promise<number> {
  const rows = await em.find(
    OutboxEvent,
    { publishedAt: null, relayShard: shards },
    { orderBy: { account: 'asc', sequence: 'asc' }, limit },
  );
  if (rows.length === 0) return 0;
  await publish(
    rows.map((r) => ({
      id: r.id,
      accountId: r.account.id,
      sequence: r.sequence,
      eventType: r.eventType,
      payload: new Uint8Array(r.payload),
      occurredAt: r.occurredAt,
      traceParent: r.traceParent ?? null,
    })),
  );
  await em.nativeUpdate(OutboxEvent, { id: rows.map((r) => r.id) }, { publishedAt: now() });
  return rows.length;
}

/** How far the relay is behind: unpublished events and the time of the oldest. */
export async function outboxBacklog(em: Em): Promise<{ pending: number; oldestOccurredAt: Date | null }> {
  const [pending, oldest] = await Promise.all([
    em.count(OutboxEvent, { publishedAt: null }),
    em.findOne(OutboxEvent, { publishedAt: null }, { orderBy: { occurredAt: 'asc' }, fields: ['occurredAt'] }),
  ]);
  return { pending, oldestOccurredAt: oldest?.occurredAt ?? null };
}
