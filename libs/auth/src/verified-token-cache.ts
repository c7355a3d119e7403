import type { Identity } from './principal.js';

/**
 * Tokens already verified, with the identity they carry, until they expire: a signature check
 * (Ed25519 or ECDSA) costs tens of microseconds, far more than the rest of a cached read, and a
 * caller sends the same token with every call. Keyed by the exact token string, so any change to
 * a token (a tampered claim, another signature) misses and is verified in full. Least recently
 * used entries go first once `maxEntries` is reached.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, { identity: Identity; expiresAtMs: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get(token: string): Identity | null {
    const entry = this.entries.get(token);
    if (!entry) return null;
    this.entries.delete(token);
    if (this.now() >= entry.expiresAtMs) return null;
    this.entries.set(token, entry);
    return entry.identity;
  }

  /** Remembers a verified token until `expiresAtMs` (its `exp`, without any clock tolerance). */
  set(token: string, identity: Identity, expiresAtMs: number): void {
    if (this.maxEntries <= 0 || this.now() >= expiresAtMs) return;
    this.entries.delete(token);
    this.entries.set(token, { identity, expiresAtMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
