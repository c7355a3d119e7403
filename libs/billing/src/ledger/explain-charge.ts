import { CONTACT_CENTER_INTERVALS, productsBilledPerMember } from './contact-center-lines.js';
import { pairIntervals, type IntervalRule } from './intervals.js';
import { accountLedger, previewInvoice } from './invoice.js';
import { assertInvoicePeriod } from './invoice-period.js';
import type { InvoiceLine } from './invoice-types.js';
import type { LedgerEntry } from './ledger-entry.js';
import { chargedDays, type InvoicePeriod } from './proration.js';
import { SEAT_INTERVALS } from './seat-usage.js';

/** One holding of the user's product that overlaps the period, with the entries that opened and closed it. */
export interface ExplainedInterval {
  /** `contact_center`: billed while in a queue; `seat`: a license held (purchased seats are what is charged). */
  kind: 'contact_center' | 'seat';
  start: Date;
  /** null while still open (as far as the ledger up to the period's end knows). */
  end: Date | null;
  /** Days of the period it counts for (held at the end of the day, the invoice's rule). */
  daysInPeriod: number;
  opening: LedgerEntry;
  closing: LedgerEntry | null;
}

export interface ChargeExplanation {
  accountId: string;
  userId: string;
  productId: string;
  from: Date;
  to: Date;
  /** How the product is billed: per queue member (the user's own lines) or per purchased seat (the account's). */
  basis: 'contact_center_member' | 'purchased_seats';
  /** The invoice's lines charged for this user and product (Contact Center), exactly as the invoice has them. */
  lines: InvoiceLine[];
  /** Every holding that overlaps the period, in the order it started. */
  intervals: ExplainedInterval[];
  warnings: string[];
}

/**
 * Why a user is (or is not) charged for a product in a period: the invoice's own lines for the
 * user, and each holding behind them with the ledger entries (hence the events) that opened and
 * closed it. The amounts are the invoice's, computed by `previewInvoice` from the same entries, so
 * the explanation and the invoice cannot disagree.
 */
export function explainCharge(
  entries: readonly LedgerEntry[],
  query: { accountId: string; userId: string; productId: string; from: Date; to: Date },
): ChargeExplanation {
  const period: InvoicePeriod = { from: query.from, to: query.to };
  assertInvoicePeriod(period);
  const invoice = previewInvoice(entries, query);
  const ledger = accountLedger(entries, query.accountId, period, []);
  const perMember = productsBilledPerMember(ledger).has(query.productId);
  const mine = ledger.filter((e) => e.productId === query.productId && e.userId === query.userId);
  const holdings = (kind: ExplainedInterval['kind'], rule: IntervalRule): ExplainedInterval[] =>
    pairIntervals(mine, rule, period, [])
      .filter(
        ({ open, end }) =>
          open.effectiveAt.getTime() < period.to.getTime() && (end === null || end.getTime() > period.from.getTime()),
      )
      .map(({ open, end, close }) => ({
        kind,
        start: new Date(open.effectiveAt),
        end: end && new Date(end),
        daysInPeriod: chargedDays(open.effectiveAt, end, period).length,
        opening: open,
        closing: close,
      }));
  return {
    accountId: query.accountId,
    userId: query.userId,
    productId: query.productId,
    from: new Date(query.from),
    to: new Date(query.to),
    basis: perMember ? 'contact_center_member' : 'purchased_seats',
    lines: invoice.lines.filter(
      (line) => line.kind === 'contact_center' && line.productId === query.productId && line.userId === query.userId,
    ),
    intervals: [...holdings('contact_center', CONTACT_CENTER_INTERVALS), ...holdings('seat', SEAT_INTERVALS)].sort(
      (a, b) => a.start.getTime() - b.start.getTime() || a.opening.sequence - b.opening.sequence,
    ),
    warnings: invoice.warnings.filter((w) => mine.some((e) => w.startsWith(`entry ${e.id}:`))),
  };
}
