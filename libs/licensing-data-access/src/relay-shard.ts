import { crc32 } from 'node:zlib';

/**
 * Outbox rows are spread over this many relay shards. It is part of the stored data (every row
 * carries its shard), so changing it needs a migration that re-shards unpublished rows.
 */
export const RELAY_SHARDS = 16;

/** The relay shard of an account: stable across processes and versions (CRC-32 of the id). */
export function relayShardOf(accountId: string): number {
  return crc32(accountId) % RELAY_SHARDS;
}
