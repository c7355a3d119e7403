/**
 * Answers of account-scoped reads, kept until the account changes. A read costs a few database
 * round trips and ORM work (about 1 ms of CPU); a cached answer costs a map lookup. It is only
 * correct while every change reaches `invalidate`: this process's commits do at once, other
 * instances' through the database's change feed, and while that feed is down the cache stands
 * aside (`enabled` false) and is emptied when it comes back.
 *
 * An answer loaded while its account changed is not kept: each change is stamped with a tick,
 * and a load keeps its answer only if no change of its account was stamped after the load began.
 */
export class AccountReadCache {
  private readonly entries = new Map<string, unknown>();
  private readonly keysByAccount = new Map<string, Set<string>>();
  /** Tick of the last change per account (forgotten in bulk when it grows, see `floor`). */
  private readonly changedAt = new Map<string, number>();
  /** Loads that began before this tick keep nothing (set by resets and by forgetting changes). */
  private floor = 0;
  private tick = 0;

  constructor(
    private readonly enabled: () => boolean,
    private readonly maxEntries = 20_000,
  ) {}

  async get<T>(accountId: string, key: string, load: () => Promise<T>): Promise<T> {
    if (!this.enabled()) return load();
    const entryKey = `${accountId}\u0000${key}`;
    if (this.entries.has(entryKey)) {
      const value = this.entries.get(entryKey) as T;
      // Least recently used goes first: re-insert on every hit.
      this.entries.delete(entryKey);
      this.entries.set(entryKey, value);
      return value;
    }
    const started = ++this.tick;
    const value = await load();
    if (started > this.floor && (this.changedAt.get(accountId) ?? 0) < started && this.enabled()) this.keep(accountId, entryKey, value);
    return value;
  }

  /** The account changed: drop its answers, and any answer being loaded now. */
  invalidate(accountId: string): void {
    this.changedAt.set(accountId, ++this.tick);
    for (const key of this.keysByAccount.get(accountId) ?? []) this.entries.delete(key);
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

  private keep(accountId: string, entryKey: string, value: unknown): void {
    this.entries.set(entryKey, value);
    let keys = this.keysByAccount.get(accountId);
    if (!keys) this.keysByAccount.set(accountId, (keys = new Set()));
    keys.add(entryKey);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value!;
      this.entries.delete(oldest);
      this.keysByAccount.get(oldest.slice(0, oldest.indexOf('\u0000')))?.delete(oldest);
    }
  }
}
