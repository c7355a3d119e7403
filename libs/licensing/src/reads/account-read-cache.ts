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
 * Bounded twice, least recently used first: by the number of answers and by their total weight
 * (the callers weigh an answer by its encoded size), so a few large pages cannot fill the heap.
 */
export class AccountReadCache {
  private readonly entries = new Map<string, { value: unknown; weight: number }>();
  private weight = 0;
  private readonly keysByAccount = new Map<string, Set<string>>();
  /** Tick of the last change per account (forgotten in bulk when it grows, see `floor`). */
  private readonly changedAt = new Map<string, number>();
  /** Loads that began before this tick keep nothing (set by resets and by forgetting changes). */
  private floor = 0;
  private tick = 0;

  constructor(
    private readonly enabled: () => boolean,
    private readonly maxEntries = 20_000,
    private readonly maxWeight = Number.POSITIVE_INFINITY,
  ) {}

  /** The account's answer under `key`, loaded (and weighed, to be kept) when there is none. */
  async get<T>(accountId: string, key: string, load: () => Promise<T>, weigh: (value: T) => number = () => 0): Promise<T> {
    if (!this.enabled()) return load();
    const entryKey = `${accountId}\u0000${key}`;
    const hit = this.entries.get(entryKey);
    if (hit) {
      // Least recently used goes first: re-insert on every hit.
      this.entries.delete(entryKey);
      this.entries.set(entryKey, hit);
      return hit.value as T;
    }
    const started = ++this.tick;
    const value = await load();
    if (started > this.floor && (this.changedAt.get(accountId) ?? 0) < started && this.enabled()) this.keep(accountId, entryKey, value, weigh(value));
    return value;
  }

  /** The account changed: drop its answers, and any answer being loaded now. */
  invalidate(accountId: string): void {
    this.changedAt.set(accountId, ++this.tick);
    for (const key of this.keysByAccount.get(accountId) ?? []) this.drop(key);
    this.keysByAccount.delete(accountId);
    if (this.changedAt.size > this.maxEntries) {
      this.changedAt.clear();
      this.floor = this.tick;
    }
  }

  /** Changes may have been missed: drop everything, including loads in flight. */
  reset(): void {
    this.entries.clear();
    this.weight = 0;
    this.keysByAccount.clear();
    this.changedAt.clear();
    this.floor = ++this.tick;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Total weight of the kept answers. */
  get totalWeight(): number {
    return this.weight;
  }

  private keep(accountId: string, entryKey: string, value: unknown, weight: number): void {
    if (weight > this.maxWeight) return; // heavier than the whole budget: served, never kept
    this.drop(entryKey); // a concurrent load of the same key may have kept it already
    this.entries.set(entryKey, { value, weight });
    this.weight += weight;
    let keys = this.keysByAccount.get(accountId);
    if (!keys) this.keysByAccount.set(accountId, (keys = new Set()));
    keys.add(entryKey);
    while (this.entries.size > this.maxEntries || this.weight > this.maxWeight) {
      const oldest = this.entries.keys().next().value!;
      this.drop(oldest);
      this.keysByAccount.get(oldest.slice(0, oldest.indexOf('\u0000')))?.delete(oldest);
    }
  }

  private drop(entryKey: string): void {
    const entry = this.entries.get(entryKey);
    if (!entry) return;
    this.entries.delete(entryKey);
    this.weight -= entry.weight;
  }
}
