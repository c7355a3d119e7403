import { formatMoneyMinor } from '@acme/util';
import type { Invoice, InvoiceLine } from './invoice-types.js';
import { DAY_MS } from './proration.js';

/** A plain-text rendering of an invoice preview for a terminal: lines, totals, usage, warnings. */
export function formatInvoice(invoice: Invoice): string {
  const lastDay = new Date(invoice.to.getTime() - DAY_MS);
  const days = Math.round((invoice.to.getTime() - invoice.from.getTime()) / DAY_MS);
  const out = [
    `Invoice preview for ${invoice.accountId}: ${isoDay(invoice.from)} to ${isoDay(lastDay)} (${days} days)`,
    '',
  ];

  if (invoice.lines.length === 0) out.push('No charges.');
  else {
    out.push(
      ...table(
        ['Kind', 'Product', 'User', 'Unit price', 'Days', 'Amount', 'Note', 'Charged days'],
        invoice.lines.map((l) => [
          l.kind,
          l.productId,
          l.userId ?? '-',
          `${formatMoneyMinor(l.unitPriceMinor, l.currency)} / ${l.billingPeriod}`,
          String(l.quantityDays),
          l.charged ? formatMoneyMinor(l.amountMinor, l.currency) : 'not charged',
          l.note,
          chargedDaysText(l),
        ]),
        new Set([4, 5]),
      ),
    );
  }
  out.push('', ...invoice.totals.map((t) => `Total ${formatMoneyMinor(t.amountMinor, t.currency)}`));

  if (invoice.usage.length > 0) {
    out.push('', 'Seat usage (not charged)');
    out.push(
      ...table(
        ['Product', 'User', 'Assignment', 'Start', 'End', 'Days'],
        invoice.usage.map((u) => [
          u.productId,
          u.userId,
          u.assignmentId,
          u.start.toISOString(),
          u.end?.toISOString() ?? 'open',
          String(u.daysInPeriod),
        ]),
        new Set([5]),
      ),
    );
  }
  if (invoice.warnings.length > 0) out.push('', 'Warnings', ...invoice.warnings.map((w) => `- ${w}`));
  return `${out.join('\n')}\n`;
}

/** `2026-11-01..2026-11-09 (2 seats), ...`: each interval's first and last day (inclusive). */
function chargedDaysText(line: InvoiceLine): string {
  return line.intervals
    .map((i) => {
      const days = `${isoDay(i.from)}..${isoDay(new Date(i.to.getTime() - DAY_MS))}`;
      return line.kind === 'seats' ? `${days} (${i.quantity} seat${i.quantity === 1 ? '' : 's'})` : days;
    })
    .join(', ');
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Left-aligned text columns, right-aligned number columns, trailing spaces trimmed. */
function table(header: string[], rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const render = (cells: string[]) =>
    cells
      .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...rows.map(render)];
}
