import type { ReconcileReport } from './reconcile.js';

/**
 * The report as an operator reads it: every difference on its own line, then a summary, then the
 * events licensing has not published yet, which tell lag from a real difference.
 */
export function reportText(report: ReconcileReport, settleSeconds: number): string {
  const lines =
    report.differences.length === 0
      ? [`no differences: ${report.accounts} account(s)`]
      : [
          ...report.differences.map((d) => d.message),
          `${report.differences.length} difference(s) in ${report.accounts} account(s), ` +
            `still there after ${report.checks} check(s) over ${settleSeconds} s`,
        ];
  if (report.pendingEvents.length > 0) {
    lines.push(
      `events not yet published, so not yet in the ledger: ` +
        report.pendingEvents.map((p) => `${p.accountId} ${p.events}`).join(', '),
    );
    if (report.differences.length > 0)
      lines.push('differences in those accounts may be lag: run again, or with a longer --settle');
  }
  return `${lines.join('\n')}\n`;
}

/** The report as JSON, for scripts; `ok` is what the exit code says. */
export function reportJson(report: ReconcileReport): string {
  return `${JSON.stringify({ ok: report.differences.length === 0, ...report }, null, 2)}\n`;
}
