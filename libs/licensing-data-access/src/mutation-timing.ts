/**
 * Where a committed mutation's time went, on PostgreSQL (transactions that prefetch: every
 * licensing mutation). The account stays locked from the moment PostgreSQL grants its lock inside
 * the prefetch until the commit, so `decideMs` and `commitMs` are what the next mutation of the
 * same account waits for, and a growing `prefetchMs` is mostly time spent queuing for that lock.
 */
export interface MutationTiming {
  /** From sending the prefetch to its answer: the wait for the account's lock, then the reads. */
  prefetchMs: number;
  /**
   * From the prefetch's answer to the write statement going out: the service's own work, rules
   * included, and any statement the mutation runs in between (most run none).
   */
  decideMs: number;
  /** From the write statement going out to the answer of the COMMIT. */
  commitMs: number;
}

/** The moments a MutationTiming is made of, marked as a transaction passes them. */
export class MutationClock {
  private prefetchSent: number | null = null;
  private prefetchAnswered: number | null = null;
  private writeSent: number | null = null;
  private committed: number | null = null;

  markPrefetchSent(): void {
    this.prefetchSent = performance.now();
  }

  markPrefetchAnswered(): void {
    this.prefetchAnswered = performance.now();
  }

  markWriteSent(): void {
    this.writeSent = performance.now();
  }

  markCommitted(): void {
    this.committed = performance.now();
  }

  /** The phases, once every moment was passed; null for a transaction that did not prefetch or did not commit. */
  timing(): MutationTiming | null {
    const { prefetchSent, prefetchAnswered, writeSent, committed } = this;
    if (prefetchSent === null || prefetchAnswered === null || writeSent === null || committed === null) return null;
    return {
      prefetchMs: prefetchAnswered - prefetchSent,
      decideMs: writeSent - prefetchAnswered,
      commitMs: committed - writeSent,
    };
  }
}
