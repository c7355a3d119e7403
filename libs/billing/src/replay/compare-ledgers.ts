import type { EventSource, LedgerDatabase, LedgerEntry, ProcessedEventRecord } from '@acme/billing-data-access';

/** Events read from `topic` at offsets below `endOffsets` of their partition: a topic snapshot. */
export interface SnapshotScope {
  topic: string;
  endOffsets: ReadonlyMap<number, bigint>;
}

/** Whether an event read from `source` lies inside the snapshot (in-process events never do). */
export function inSnapshot(source: EventSource | null, scope: SnapshotScope): boolean {
  if (!source || source.topic !== scope.topic) return false;
  const end = scope.endOffsets.get(source.partition);
  return end !== undefined && BigInt(source.offset) < end;
}

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
export async function compareLedgers(
  live: LedgerDatabase,
  rebuilt: LedgerDatabase,
  scope: SnapshotScope,
  maxDifferences = 20,
): Promise<LedgerComparison> {
  const differences: string[] = [];
  const note = (line: string) => {
    if (differences.length < maxDifferences) differences.push(line);
  };
  const events = await mergeCompare(
    (after) => live.processedAfter(after, PAGE),
    (after) => rebuilt.processedAfter(after, PAGE),
    (e: ProcessedEventRecord) => e.eventId,
    (e) => inSnapshot(e.source, scope),
    describeEvent,
    'event',
    note,
  );
  const entries = await mergeCompare(
    (after) => live.entriesAfter(after, PAGE),
    (after) => rebuilt.entriesAfter(after, PAGE),
    (e: LedgerEntry & { source: EventSource | null }) => e.id,
    (e) => inSnapshot(e.source, scope),
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

/**
 * A sorted merge of two paged streams by key, of the rows `keep` accepts; counts rows on each
 * side and every mismatch.
 */
async function mergeCompare<T>(
  left: Page<T>,
  right: Page<T>,
  key: (row: T) => string,
  keep: (row: T) => boolean,
  describe: (row: T) => string,
  what: string,
  note: (line: string) => void,
) {
  const a = pager(left, key, keep);
  const b = pager(right, key, keep);
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

/** Rows `keep` accepts, a page at a time; a short page (before filtering) is the last. */
function pager<T>(page: Page<T>, key: (row: T) => string, keep: (row: T) => boolean) {
  let buffer: T[] = [];
  let index = 0;
  let after: string | null = null;
  let done = false;
  return {
    async next(): Promise<T | null> {
      while (index >= buffer.length) {
        if (done) return null;
        const rows = await page(after);
        if (rows.length < PAGE) done = true;
        if (rows.length > 0) after = key(rows[rows.length - 1]!);
        buffer = rows.filter(keep);
        index = 0;
      }
      return buffer[index++]!;
    },
  };
}

// What is compared: every stored value (source offsets included: both read the same topic), but
// an event's cause, which a ledger recorded before causes were kept does not have.
const describeEvent = (e: ProcessedEventRecord) =>
  JSON.stringify([e.accountId, e.sequence, e.eventType, e.outcome, e.source]);
const describeEntry = (e: LedgerEntry) =>
  JSON.stringify([
    e.eventId,
    e.accountId,
    e.sequence,
    e.kind,
    e.productId,
    e.userId,
    e.assignmentId,
    e.quantity,
    e.unitPriceMinor,
    e.currency,
    e.billingPeriod,
    e.billingBasis,
    e.effectiveAt.toISOString(),
    e.reason,
  ]);
