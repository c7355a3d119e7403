import type { LedgerEntry, LedgerEntryKind } from './ledger-entry.js';
import type { InvoicePeriod } from './proration.js';

/** A holding read from the journal: its opening entry and its end (null while still open). */
export interface LedgerInterval {
  open: LedgerEntry;
  end: Date | null;
  /** The entry that ended it; null while still open. */
  close: LedgerEntry | null;
}

export interface IntervalRule {
  opens: LedgerEntryKind;
  closes: LedgerEntryKind;
  /** Entries with the same key open and close the same holding. */
  keyOf: (entry: LedgerEntry) => string;
  /** Names the holding in warnings, e.g. `seat of assignment "asg_1"`. */
  describe: (entry: LedgerEntry) => string;
  /** Appended to the warning for a second opening, e.g. why the first one wins. */
  reopenNote?: string;
}

/**
 * Pairs each opening entry with the next closing entry of the same key, reading entries in ledger
 * order. A second opening while open and a closing without an opening are data problems: they are
 * ignored and reported, but only for entries inside the period, so an old problem does not
 * repeat on every later invoice.
 */
export function pairIntervals(
  sortedEntries: readonly LedgerEntry[],
  rule: IntervalRule,
  period: InvoicePeriod,
  warnings: string[],
): LedgerInterval[] {
  const open = new Map<string, LedgerEntry>();
  const intervals: LedgerInterval[] = [];
  const warn = (entry: LedgerEntry, message: string) => {
    if (entry.effectiveAt.getTime() >= period.from.getTime())
      warnings.push(`entry ${entry.id}: ${entry.kind} for ${rule.describe(entry)} ${message}`);
  };
  for (const entry of sortedEntries) {
    if (entry.kind !== rule.opens && entry.kind !== rule.closes) continue;
    const key = rule.keyOf(entry);
    const current = open.get(key);
    if (entry.kind === rule.opens) {
      if (current)
        warn(
          entry,
          `while already open since ${current.effectiveAt.toISOString()}; ignored${rule.reopenNote ? ` (${rule.reopenNote})` : ''}`,
        );
      else open.set(key, entry);
    } else if (current) {
      intervals.push({ open: current, end: entry.effectiveAt, close: entry });
      open.delete(key);
    } else {
      warn(entry, 'without an open interval; ignored');
    }
  }
  for (const entry of open.values()) intervals.push({ open: entry, end: null, close: null });
  return intervals;
}
