import { describe, expect, it } from 'vitest';
import { ccStarted, ccStopped, NOVEMBER_2026, price, seatsAdded, seatsRemoved } from '../../test/ledger-fixtures.js';
import { formatInvoice } from './format-invoice.js';
import { previewInvoice } from './invoice.js';
import { chargedIntervals } from './proration.js';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const interval = (from: string, to: string, quantity: number) => ({ from: day(from), to: day(to), quantity });

describe('the interval of each invoice line: why it is charged, from when to when', () => {
  it('splits a seats line where the number of seats changes, and says it is for purchased seats', () => {
    const invoice = previewInvoice(
      [
        seatsAdded('prod_a', 2, '2026-10-01T00:00:00Z', price(3000)),
        seatsAdded('prod_a', 1, '2026-11-10T15:00:00Z', price(3000)),
        seatsRemoved('prod_a', 3, '2026-11-25T00:00:00Z', price(3000)),
      ],
      NOVEMBER_2026,
    );
    expect(invoice.lines).toMatchObject([
      {
        kind: 'seats',
        basis: 'purchased_seats',
        // Day d counts with what is held at its end: 2 seats to the end of Nov 9, 3 from Nov 10 to Nov 24.
        intervals: [interval('2026-11-01', '2026-11-10', 2), interval('2026-11-10', '2026-11-25', 3)],
        quantityDays: 2 * 9 + 3 * 15,
      },
    ]);
  });

  it('gives a Contact Center line the days its user was an active queue member, a gap included', () => {
    const cc = price(9000);
    const invoice = previewInvoice(
      [
        ccStarted('prod_cc', 'usr_1', '2026-10-20T10:00:00Z', cc),
        ccStopped('prod_cc', 'usr_1', '2026-11-05T10:00:00Z'),
        ccStarted('prod_cc', 'usr_1', '2026-11-20T08:00:00Z', cc),
      ],
      NOVEMBER_2026,
    );
    expect(invoice.lines).toMatchObject([
      {
        kind: 'contact_center',
        basis: 'contact_center_member',
        userId: 'usr_1',
        intervals: [interval('2026-11-01', '2026-11-05', 1), interval('2026-11-20', '2026-12-01', 1)],
        quantityDays: 4 + 11,
      },
    ]);
    expect(formatInvoice(invoice)).toContain('2026-11-01..2026-11-04, 2026-11-20..2026-11-30');
  });

  it('merges runs of equal quantity, counts a day listed twice once, and leaves out days at zero', () => {
    expect(
      chargedIntervals([
        { day: day('2026-11-03'), quantity: 1 },
        { day: day('2026-11-01'), quantity: 1 },
        { day: day('2026-11-02'), quantity: 1 },
        { day: day('2026-11-02'), quantity: 1 },
        { day: day('2026-11-04'), quantity: 0 },
        { day: day('2026-11-05'), quantity: 2 },
      ]),
    ).toEqual([interval('2026-11-01', '2026-11-04', 1), interval('2026-11-05', '2026-11-06', 2)]);
  });
});
