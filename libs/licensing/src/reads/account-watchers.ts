/**
 * Who waits for which account's next change (WatchEntitlements): this process's commits and the
 * change feed's notifications call `changed`, and every watcher of that account wakes. A watcher
 * never misses a wake between reading and waiting: `wait` returns at once when a change came
 * since its last `wait` began.
 */
export class AccountWatchers {
  private readonly byAccount = new Map<string, Set<Watcher>>();
  private closed = false;
  private count = 0;

  /** Watchers now, of every account. */
  get size(): number {
    return this.count;
  }

  /** Registers a watcher of the account; `stop` unregisters it. */
  watch(accountId: string): Watcher {
    const watcher = new Watcher(() => {
      const set = this.byAccount.get(accountId);
      if (!set?.delete(watcher)) return;
      this.count--;
      if (set.size === 0) this.byAccount.delete(accountId);
    });
    if (this.closed) watcher.close();
    let set = this.byAccount.get(accountId);
    if (!set) this.byAccount.set(accountId, (set = new Set()));
    set.add(watcher);
    this.count++;
    return watcher;
  }

  changed(accountId: string): void {
    for (const watcher of this.byAccount.get(accountId) ?? []) watcher.wake();
  }

  /** Changes may have been missed (the feed reconnected): every watcher looks again. */
  changedAll(): void {
    for (const set of this.byAccount.values()) for (const watcher of set) watcher.wake();
  }

  /** The service is stopping: every watcher is told to end, and new ones end at once. */
  close(): void {
    this.closed = true;
    for (const set of this.byAccount.values()) for (const watcher of set) watcher.close();
  }
}

export class Watcher {
  private woken = false;
  private waiting: (() => void) | null = null;
  closed = false;

  constructor(readonly stop: () => void) {}

  wake(): void {
    this.woken = true;
    this.waiting?.();
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  /** Forgets the changes so far: call before reading, then `wait` for the next one. */
  reset(): void {
    this.woken = false;
  }

  /** Resolves on a change since the last `reset`, after `ms` (a safety poll), or when `signal` aborts. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.woken || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiting = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
      this.waiting = done;
    });
  }
}
