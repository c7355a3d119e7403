import { LRUCache } from 'lru-cache';

/**
 * Answers of account-scoped reads, kept until the account changes. A read costs a few database
 * round trips and ORM work (about 1 ms of CPU); a cached answer costs a map lookup. It is only
 * correct while every change reaches `invalidate`: this process's commits do at once, other
 * instances' through the database's change feed, and while that feed is down the cache stands
 * aside (`enabled` false) and is emptied when it comes back.
 *
 * An answer loaded while its account changed is not kept: each change is stamped with a tick,
 * and a load keeps its answer only if no change of its account was stamped after the load began.
 *
 * Bounded twice, least recently used first (lru-cache): by the number of answers and by their
 * total weight (the callers weigh an answer by its encoded size), so a few large pages cannot fill
 * the heap.
 */
export class AccountReadCache {
  private readonly entries: LRUCache<string, { value: unknown; weight: number }>;
  private readonly keysByAccount = new Map<string, Set<string>>();
  /** Tick of the last change per account (forgotten in bulk when it grows, see `floor`). */
  private readonly changedAt = new Map<string, number>();
  /** Loads that began before this tick keep nothing (set by resets and by forgetting changes). */
  private floor = 0;
  private tick = 0;

  constructor(
    private readonly enabled: () => boolean,
    private readonly maxEntries = 20_000,
    maxWeight = Number.POSITIVE_INFINITY,
  ) {
    this.entries = new LRUCache({
      max: maxEntries,
      // lru-cache wants a finite total; a weight of 1 each keeps "no bound" to the entry count.
      maxSize: Number.isFinite(maxWeight) ? maxWeight : Number.MAX_SAFE_INTEGER,
      sizeCalculation: (entry) => Math.max(1, entry.weight),
      // An answer heavier than the whole budget is served, never kept (lru-cache refuses it).
      dispose: (_entry, entryKey) => this.keysByAccount.get(accountOf(entryKey))?.delete(entryKey),
    });
  }

  /** The account's answer under `key`, loaded (and weighed, to be kept) when there is none. */
  async get<T>(
    accountId: string,
    key: string,
    load: () => Promise<T>,
    weigh: (value: T) => number = () => 0,
  ): Promise<T> {
    if (!this.enabled()) return load();
    const entryKey = `${accountId}\u0000${key}`;
    const hit = this.entries.get(entryKey);
    if (hit) return hit.value as T;
    const started = ++this.tick;
    const value = await load();
    if (started > this.floor && (this.changedAt.get(accountId) ?? 0) < started && this.enabled())
      this.keep(accountId, entryKey, value, weigh(value));
    return value;
  }

  /** The account changed: drop its answers, and any answer being loaded now. */
  invalidate(accountId: string): void {
    this.changedAt.set(accountId, ++this.tick);
    for (const key of [...(this.keysByAccount.get(accountId) ?? [])]) this.entries.delete(key);
    this.keysByAccount.delete(accountId);
    if (this.changedAt.size > this.maxEntries) {
      this.changedAt.clear();
      this.floor = this.tick;
    }
  }

  /** Changes may have been missed: drop everything, including loads in flight. */
  reset(): void {
    this.entries.clear();
    this.keysByAccount.clear();
    this.changedAt.clear();
    this.floor = ++this.tick;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Total weight of the kept answers. */
  get totalWeight(): number {
    let weight = 0;
    for (const entry of this.entries.values()) weight += entry.weight;
    return weight;
  }

  private keep(accountId: string, entryKey: string, value: unknown, weight: number): void {
    this.entries.set(entryKey, { value, weight });
    if (!this.entries.has(entryKey)) return; // heavier than the whole budget: not kept
    let keys = this.keysByAccount.get(accountId);
    if (!keys) this.keysByAccount.set(accountId, (keys = new Set()));
    keys.add(entryKey);
  }
}

const accountOf = (entryKey: string) => entryKey.slice(0, entryKey.indexOf('\u0000'));
