import { describe, expect, it } from 'vitest';
import { reportJson, reportText } from './report-text.js';

const seats = {
  accountId: 'acct_a',
  kind: 'purchased_seats' as const,
  message: 'acct_a goto_meeting: 12 seats purchased in licensing, 10 in the ledger',
};

describe('the report', () => {
  it('says there is no difference and how many accounts agree', () => {
    expect(reportText({ accounts: 2, differences: [], pendingEvents: [], checks: 1 }, 10)).toBe(
      'no differences: 2 account(s)\n',
    );
  });

  it('names every difference, how long it stayed, and the unpublished events that may explain it', () => {
    const text = reportText(
      { accounts: 3, differences: [seats], pendingEvents: [{ accountId: 'acct_a', events: 4 }], checks: 21 },
      10,
    );
    expect(text).toBe(
      [
        seats.message,
        '1 difference(s) in 3 account(s), still there after 21 check(s) over 10 s',
        'events not yet published, so not yet in the ledger: acct_a 4',
        'differences in those accounts may be lag: run again, or with a longer --settle',
        '',
      ].join('\n'),
    );
  });

  it('gives scripts the same report as JSON, with ok as the exit code says', () => {
    const report = { accounts: 1, differences: [seats], pendingEvents: [], checks: 1 };
    expect(JSON.parse(reportJson(report))).toEqual({ ok: false, ...report });
  });
});
