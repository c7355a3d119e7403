import type { LedgerDatabase, LedgerEntry, ProcessedEventRecord, SnapshotScope } from '@acme/billing-data-access';

export interface LedgerComparison {
  identical: boolean;
  liveEvents: number;
  rebuiltEvents: number;
  liveEntries: number;
  rebuiltEntries: number;
  /** The first differences, in id order, each in one line (at most `maxDifferences`). */
  differences: string[];
}

const PAGE = 2_000;

/**
 * Compares two ledgers row by row, in id order, a page at a time (memory stays flat however long
 * the ledger): the processed events and the ledger entries of events inside `scope` must be the
 * same rows with the same values.
 */
export async function compareLedgers(live: LedgerDatabase, rebuilt: LedgerDatabase, scope: SnapshotScope, maxDifferences = 20): Promise<LedgerComparison> {
  const differences: string[] = [];
  const note = (line: string) => {
    if (differences.length < maxDifferences) differences.push(line);
  };
  const events = await mergeCompare(
    (after) => live.processedAfter(after, PAGE, scope),
    (after) => rebuilt.processedAfter(after, PAGE, scope),
    (e: ProcessedEventRecord) => e.eventId,
    describeEvent,
    'event',
    note,
  );
  const entries = await mergeCompare(
    (after) => live.entriesAfter(after, PAGE, scope),
    (after) => rebuilt.entriesAfter(after, PAGE, scope),
    (e: LedgerEntry) => e.id,
    describeEntry,
    'entry',
    note,
  );
  return {
    identical: events.mismatches === 0 && entries.mismatches === 0,
    liveEvents: events.left,
    rebuiltEvents: events.right,
    liveEntries: entries.left,
    rebuiltEntries: entries.right,
    differences,
  };
}

type Page<T> = (after: string | null) => Promise<T[]>;

/** A sorted merge of two paged streams by key; counts rows on each side and every mismatch. */
async function mergeCompare<T>(left: Page<T>, right: Page<T>, key: (row: T) => string, describe: (row: T) => string, what: string, note: (line: string) => void) {
  const a = pager(left, key);
  const b = pager(right, key);
  let [x, y] = await Promise.all([a.next(), b.next()]);
  const counts = { left: 0, right: 0, mismatches: 0 };
  while (x !== null || y !== null) {
    if (y === null || (x !== null && key(x) < key(y))) {
      counts.left++;
      counts.mismatches++;
      note(`${what} ${key(x!)} only in the live ledger: ${describe(x!)}`);
      x = await a.next();
    } else if (x === null || key(y) < key(x)) {
      counts.right++;
      counts.mismatches++;
      note(`${what} ${key(y)} only in the rebuilt ledger: ${describe(y)}`);
      y = await b.next();
    } else {
      counts.left++;
      counts.right++;
      if (describe(x) !== describe(y)) {
        counts.mismatches++;
        note(`${what} ${key(x)} differs: live ${describe(x)} / rebuilt ${describe(y)}`);
      }
      [x, y] = await Promise.all([a.next(), b.next()]);
    }
  }
  return counts;
}

function pager<T>(page: Page<T>, key: (row: T) => string) {
  let buffer: T[] = [];
  let index = 0;
  let after: string | null = null;
  let done = false;
  return {
    async next(): Promise<T | null> {
      if (index >= buffer.length) {
        if (done) return null;
        buffer = await page(after);
        index = 0;
        if (buffer.length < PAGE) done = true;
        if (buffer.length === 0) return null;
        after = key(buffer[buffer.length - 1]!);
      }
      return buffer[index++]!;
    },
  };
}

// What is compared: every stored value (source offsets included: both read the same topic).
const describeEvent = (e: ProcessedEventRecord) => JSON.stringify([e.accountId, e.sequence, e.eventType, e.outcome, e.source]);
const describeEntry = (e: LedgerEntry) =>
  JSON.stringify([e.eventId, e.accountId, e.sequence, e.kind, e.productId, e.userId, e.assignmentId, e.quantity, e.unitPriceMinor, e.currency, e.billingPeriod, e.effectiveAt.toISOString(), e.reason]);
