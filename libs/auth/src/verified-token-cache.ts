import { LRUCache } from 'lru-cache';
import type { Identity } from './principal.js';

/**
 * Tokens already verified, with the identity they carry, until they expire: a signature check
 * (Ed25519 or ECDSA) costs tens of microseconds, far more than the rest of a cached read, and a
 * caller sends the same token with every call. Keyed by the exact token string, so any change to
 * a token (a tampered claim, another signature) misses and is verified in full. Least recently
 * used entries go first once `maxEntries` is reached (lru-cache; each entry lives until its `exp`).
 */
export class VerifiedTokenCache {
  private readonly entries: LRUCache<string, Identity> | null;

  constructor(
    maxEntries = 10_000,
    private readonly now: () => number = () => Date.now(),
  ) {
    // ttlResolution 0: the clock is read on every lookup, so an expired token is never served.
    this.entries =
      maxEntries > 0 ? new LRUCache<string, Identity>({ max: maxEntries, ttlResolution: 0, perf: { now } }) : null;
  }

  get(token: string): Identity | null {
    return this.entries?.get(token) ?? null;
  }

  /** Remembers a verified token until `expiresAtMs` (its `exp`, without any clock tolerance). */
  set(token: string, identity: Identity, expiresAtMs: number): void {
    // lru-cache serves an entry while its age is at most `ttl`; the token is dead from `exp` on.
    // (A ttl of 0 would mean "forever": a token that close to its end is not kept.)
    const ttl = expiresAtMs - this.now() - 1;
    if (this.entries && ttl > 0) this.entries.set(token, identity, { ttl });
  }

  /** Forgets every verified token (the keys changed: a removed key's tokens must be checked again). */
  clear(): void {
    this.entries?.clear();
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }
}
