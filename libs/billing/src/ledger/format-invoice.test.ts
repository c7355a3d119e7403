import { describe, expect, it } from 'vitest';
import { formatInvoice } from './format-invoice.js';
import { previewInvoice } from './invoice.js';
import { ccStarted, ccStopped, NOVEMBER_2026, price, seatOpened, seatsAdded } from '../../test/ledger-fixtures.js';

describe('formatInvoice', () => {
  it('renders a one-line invoice as an aligned table', () => {
    const invoice = previewInvoice([seatsAdded('prod_a', 1, '2026-10-01T00:00:00Z', price(2700))], NOVEMBER_2026);
    expect(formatInvoice(invoice)).toBe(
      [
        'Invoice preview for acct_1: 2026-11-01 to 2026-11-30 (30 days)',
        '',
        'Kind   Product  User  Unit price         Days     Amount  Note  Charged days',
        '-----  -------  ----  -----------------  ----  ---------  ----  -------------------------------',
        'seats  prod_a   -     USD 27.00 / month    30  USD 27.00        2026-11-01..2026-11-30 (1 seat)',
        '',
        'Total USD 27.00',
        '',
      ].join('\n'),
    );
  });

  it('shows uncharged lines, usage and warnings', () => {
    const stop = ccStopped('prod_cc', 'usr_2', '2026-11-05T00:00:00Z');
    const text = formatInvoice(
      previewInvoice(
        [
          seatsAdded('prod_cc', 2, '2026-10-01T00:00:00Z', price(9000)),
          ccStarted('prod_cc', 'usr_1', '2026-10-01T00:00:00Z', price(9000)),
          seatOpened('prod_connect', 'usr_1', 'asg_1', '2026-11-03T10:00:00Z', price(2700)),
          stop,
        ],
        NOVEMBER_2026,
      ),
    );
    expect(text).toContain('not charged  billed per contact-center queue member');
    // The amount column is as wide as 'not charged' (11), amounts right-aligned in it.
    expect(text).toContain(
      'contact_center  prod_cc  usr_1  USD 90.00 / month    30    USD 90.00' +
        `${' '.repeat(42)}2026-11-01..2026-11-30\n`,
    );
    expect(text).toContain('billed per contact-center queue member  2026-11-01..2026-11-30 (2 seats)\n');
    expect(text).toContain('Total USD 90.00');
    expect(text).toContain('Seat usage (not charged)');
    expect(text).toContain('prod_connect  usr_1  asg_1       2026-11-03T10:00:00.000Z  open    28');
    expect(text).toContain(
      `Warnings\n- entry ${stop.id}: cc_billing_stopped for product "prod_cc" user "usr_2" without an open interval; ignored\n`,
    );
  });

  it('says so when nothing is charged', () => {
    expect(formatInvoice(previewInvoice([], NOVEMBER_2026))).toBe(
      'Invoice preview for acct_1: 2026-11-01 to 2026-11-30 (30 days)\n\nNo charges.\n\n',
    );
  });
});
