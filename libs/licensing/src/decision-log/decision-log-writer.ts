import type { Principal } from '@acme/auth';
import { newId, type DecisionLogInsert } from '@acme/licensing-data-access';
import type { Logger } from '@acme/util';
import type { DecisionTrail } from './decision-trail.js';

export interface DecisionLogWriterOptions {
  /** Writes a batch (one multi-row insert). */
  append: (rows: DecisionLogInsert[]) => Promise<void>;
  logger: Logger;
  /** How long a decision waits for others to share its insert. */
  flushMs?: number;
  /** Most decisions per insert. */
  maxBatch?: number;
  /** Most decisions waiting (the database is slow or down); beyond it the oldest are dropped, and counted. */
  maxPending?: number;
}

/** Who made the call whose decisions these are. */
export interface DecidedCall {
  accountId: string;
  requestId: string;
  principal: Pick<Principal, 'subject' | 'kind'>;
  dryRun: boolean;
}

/**
 * Writes the decision log apart from the mutations: a call hands over its decisions when it ends
 * (allowed or refused, committed or rolled back) and returns; they are inserted in batches a few
 * milliseconds later, as one plain multi-row insert of the JSON made when each decision was. So
 * recording costs a call the JSON of its facts, not a statement in its transaction (the figure is
 * in docs/benchmarks.md). The price: what waits is lost if the process
 * dies, at most `flushMs` of decisions, or more while the database is down (bounded by
 * `maxPending`, dropped oldest first and counted in `dropped`).
 */
export class DecisionLogWriter {
  private pending: DecisionLogInsert[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private readonly flushMs: number;
  private readonly maxBatch: number;
  private readonly maxPending: number;
  private counts = { written: 0, dropped: 0, failedWrites: 0 };

  constructor(private readonly options: DecisionLogWriterOptions) {
    this.flushMs = options.flushMs ?? 50;
    this.maxBatch = options.maxBatch ?? 500;
    this.maxPending = options.maxPending ?? 20_000;
  }

  /** Queues the call's decisions; never throws and never waits. */
  record(trail: DecisionTrail, call: DecidedCall): void {
    for (const taken of trail) {
      this.pending.push({
        id: newId('dec', taken.at.getTime()),
        accountId: call.accountId,
        requestId: call.requestId,
        point: taken.point,
        stage: taken.stage,
        allowed: taken.allowed,
        dryRun: call.dryRun,
        ruleSetVersion: taken.ruleSetVersion,
        actor: call.principal.subject,
        actorKind: call.principal.kind,
        factsJson: taken.factsJson,
        outcomeJson: taken.outcomeJson,
        decidedAt: taken.at,
      });
    }
    const excess = this.pending.length - this.maxPending;
    if (excess > 0) {
      this.pending.splice(0, excess);
      this.counts.dropped += excess;
    }
    if (this.pending.length > 0 && !this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes everything waiting (one batch after another); resolves when it is written or failed. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.writing) await this.writing;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.writing = this.options.append(batch).then(
        () => {
          this.counts.written += batch.length;
        },
        (error: unknown) => {
          // Kept for the next flush (the database may be back by then), within maxPending.
          this.counts.failedWrites += 1;
          this.pending.unshift(...batch);
          this.options.logger.warn({ err: error, waiting: this.pending.length }, 'decision log write failed; retrying');
        },
      );
      const failedBefore = this.counts.failedWrites;
      await this.writing;
      this.writing = null;
      if (this.counts.failedWrites > failedBefore) {
        this.timer ??= setTimeout(() => void this.flush(), 1_000);
        this.timer.unref();
        return;
      }
    }
  }

  /** Decisions written, dropped (the queue was full) and waiting; inserts that failed. */
  stats() {
    return { ...this.counts, pending: this.pending.length };
  }
}
