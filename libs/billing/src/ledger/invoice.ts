import { contactCenterLines, productsBilledPerMember } from './contact-center-lines.js';
import { compareStrings, inLedgerOrder } from './entry-order.js';
import { assertInvoicePeriod } from './invoice-period.js';
import type { Invoice, InvoiceLine } from './invoice-types.js';
import type { LedgerEntry } from './ledger-entry.js';
import type { InvoicePeriod } from './proration.js';
import { purchasedSeatLines } from './seat-lines.js';
import { seatUsage } from './seat-usage.js';

/**
 * An invoice preview for one account over [from, to) (UTC midnights), computed from ledger entries
 * alone. Entries of other accounts and entries effective at or after `to` are ignored, so the
 * preview of a past period never changes as the ledger grows. Throws a RangeError for a bad period.
 */
export function previewInvoice(
  entries: readonly LedgerEntry[],
  query: { accountId: string; from: Date; to: Date },
): Invoice {
  const period: InvoicePeriod = { from: query.from, to: query.to };
  assertInvoicePeriod(period);
  const warnings: string[] = [];
  const ledger = accountLedger(entries, query.accountId, period, warnings);
  const lines = [
    ...purchasedSeatLines(ledger, period, productsBilledPerMember(ledger), warnings),
    ...contactCenterLines(ledger, period, warnings),
  ].sort(compareLines);
  return {
    accountId: query.accountId,
    from: new Date(query.from),
    to: new Date(query.to),
    lines,
    usage: seatUsage(ledger, period, warnings),
    totals: totalsByCurrency(lines),
    warnings,
  };
}

/** The account's entries effective before `to`, in ledger order, each id once. */
export function accountLedger(
  entries: readonly LedgerEntry[],
  accountId: string,
  period: InvoicePeriod,
  warnings: string[],
): LedgerEntry[] {
  const ofAccount = entries.filter((e) => e.accountId === accountId && e.effectiveAt.getTime() < period.to.getTime());
  return inLedgerOrder(ofAccount, (entry) => {
    if (entry.effectiveAt.getTime() >= period.from.getTime())
      warnings.push(`entry ${entry.id}: duplicate id; counted once`);
  });
}

const KIND_ORDER: Record<InvoiceLine['kind'], number> = { seats: 0, contact_center: 1 };

function compareLines(a: InvoiceLine, b: InvoiceLine): number {
  return (
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    compareStrings(a.productId, b.productId) ||
    compareStrings(a.userId ?? '', b.userId ?? '') ||
    a.unitPriceMinor - b.unitPriceMinor ||
    compareStrings(a.currency, b.currency) ||
    compareStrings(a.billingPeriod, b.billingPeriod)
  );
}

/** Sum of the rounded line amounts per currency; every currency on a line gets a total, even 0. */
function totalsByCurrency(lines: readonly InvoiceLine[]): Invoice['totals'] {
  const totals = new Map<string, number>();
  for (const line of lines)
    totals.set(line.currency, (totals.get(line.currency) ?? 0) + (line.charged ? line.amountMinor : 0));
  return [...totals]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([currency, amountMinor]) => ({ currency, amountMinor }));
}
