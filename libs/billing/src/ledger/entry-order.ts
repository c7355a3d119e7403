import type { LedgerEntry } from './ledger-entry.js';

/**
 * The one order every projection reads entries in: effectiveAt, then the account's sequence, then
 * id. Entries arrive in any order (replays, batches), so projections must never depend on it.
 */
export function compareLedgerEntries(a: LedgerEntry, b: LedgerEntry): number {
  return a.effectiveAt.getTime() - b.effectiveAt.getTime() || a.sequence - b.sequence || compareStrings(a.id, b.id);
}

/**
 * The entries in ledger order, each id once: the consumer stores an id once, so a repeated one
 * would count a change twice. `onDuplicate` hears of every copy left out.
 */
export function inLedgerOrder(
  entries: readonly LedgerEntry[],
  onDuplicate: (entry: LedgerEntry) => void = () => {},
): LedgerEntry[] {
  const seen = new Set<string>();
  return [...entries].sort(compareLedgerEntries).filter((entry) => {
    if (seen.has(entry.id)) {
      onDuplicate(entry);
      return false;
    }
    seen.add(entry.id);
    return true;
  });
}

/** Code-unit order, independent of the locale of the machine that runs it. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
