import { describe, expect, it } from 'vitest';
import { previewInvoice } from './invoice.js';
import {
  ACCOUNT,
  NOVEMBER_2026,
  period,
  price,
  seatClosed,
  seatOpened,
  seatsAdded,
  seatsRemoved,
  seatsLine,
} from '../../test/ledger-fixtures.js';

// November 2026 has 30 days: a month price P costs P/30 a seat-day.
const USD_2700 = price(2700);

describe('previewInvoice: purchased seats', () => {
  it('charges a full month of one seat at exactly the monthly price', () => {
    // 1 seat * 30 days = 30 seat-days; 30 * 2700/30 = 2700.
    const invoice = previewInvoice([seatsAdded('prod_a', 1, '2026-10-15T10:00:00Z', USD_2700)], NOVEMBER_2026);
    expect(invoice).toEqual({
      accountId: ACCOUNT,
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-12-01T00:00:00Z'),
      lines: [seatsLine({ quantityDays: 30, amountMinor: 2700 })],
      usage: [],
      totals: [{ currency: 'USD', amountMinor: 2700 }],
      warnings: [],
    });
  });

  it('prorates a mid-month purchase from the day of purchase', () => {
    // 1 seat all month (30 seat-days) + 2 seats bought Nov 10 14:00, held at the end of Nov 10..30
    // (21 days, 42 seat-days) = 72 seat-days; 72 * 2700/30 = 72 * 90 = 6480.
    const invoice = previewInvoice(
      [
        seatsAdded('prod_a', 1, '2026-10-01T00:00:00Z', USD_2700),
        seatsAdded('prod_a', 2, '2026-11-10T14:00:00Z', USD_2700),
      ],
      NOVEMBER_2026,
    );
    expect(invoice.lines).toEqual([seatsLine({ quantityDays: 72, amountMinor: 6480 })]);
  });

  it('prorates a reduction', () => {
    // 5 seats, 2 removed Nov 21 09:30: 5 at the end of Nov 1..20 (100) + 3 at the end of Nov 21..30 (30)
    // = 130 seat-days; 130 * 2000/30 = 8666.67 -> 8667.
    const invoice = previewInvoice(
      [
        seatsAdded('prod_a', 5, '2026-10-01T00:00:00Z', price(2000)),
        seatsRemoved('prod_a', 2, '2026-11-21T09:30:00Z', price(2000)),
      ],
      NOVEMBER_2026,
    );
    expect(invoice.lines).toEqual([seatsLine({ unitPriceMinor: 2000, quantityDays: 130, amountMinor: 8667 })]);
    expect(invoice.totals).toEqual([{ currency: 'USD', amountMinor: 8667 }]);
  });

  it('still counts removed seats for the day that ends at the midnight of the reduction', () => {
    // Removal at Nov 21 00:00 is not before the midnight that ends Nov 20, so Nov 20 has 5 seats: 130 seat-days, 8667.
    // One millisecond earlier, Nov 20 has 3: 5 * 19 + 3 * 11 = 128 seat-days; 128 * 2000/30 = 8533.33 -> 8533.
    const at = (time: string) =>
      previewInvoice(
        [seatsAdded('prod_a', 5, '2026-10-01T00:00:00Z', price(2000)), seatsRemoved('prod_a', 2, time, price(2000))],
        NOVEMBER_2026,
      ).lines[0];
    expect(at('2026-11-21T00:00:00Z')).toMatchObject({ quantityDays: 130, amountMinor: 8667 });
    expect(at('2026-11-20T23:59:59.999Z')).toMatchObject({ quantityDays: 128, amountMinor: 8533 });
  });

  it('divides a year price by the days of the calendar year', () => {
    // 2 seats * 30 days at 120000/365 a seat-day: 7,200,000/365 = 19726.03 -> 19726.
    const yearly = price(120000, 'USD', 'year');
    const invoice = previewInvoice([seatsAdded('prod_a', 2, '2026-01-01T00:00:00Z', yearly)], NOVEMBER_2026);
    expect(invoice.lines).toEqual([
      seatsLine({ unitPriceMinor: 120000, billingPeriod: 'year', quantityDays: 60, amountMinor: 19726 }),
    ]);
    // A whole calendar year of one seat at 36500 is exactly 36500.
    const year = previewInvoice(
      [seatsAdded('prod_a', 1, '2025-12-01T00:00:00Z', price(36500, 'USD', 'year'))],
      period('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'),
    );
    expect(year.lines[0]).toMatchObject({ quantityDays: 365, amountMinor: 36500 });
  });

  it('charges February 2028 (a leap year) by its 29 days', () => {
    // 1 seat all month: 29 seat-days; 1 more bought Feb 20 08:00: Feb 20..29 = 10 seat-days.
    // 39 seat-days * 2900/29 = 39 * 100 = 3900.
    const invoice = previewInvoice(
      [
        seatsAdded('prod_a', 1, '2028-01-10T00:00:00Z', price(2900)),
        seatsAdded('prod_a', 1, '2028-02-20T08:00:00Z', price(2900)),
      ],
      period('2028-02-01T00:00:00Z', '2028-03-01T00:00:00Z'),
    );
    expect(invoice.lines).toEqual([seatsLine({ unitPriceMinor: 2900, quantityDays: 39, amountMinor: 3900 })]);
  });

  it("uses each month's own length over a period spanning two months", () => {
    // Jan 15 .. Feb 28 2027 at 6200/month: 17 January days * 6200/31 (200) = 3400, plus all 28
    // February days * 6200/28 = 6200; 45 seat-days, 9600.
    const invoice = previewInvoice(
      [seatsAdded('prod_a', 1, '2026-12-01T00:00:00Z', price(6200))],
      period('2027-01-15T00:00:00Z', '2027-03-01T00:00:00Z'),
    );
    expect(invoice.lines).toEqual([seatsLine({ unitPriceMinor: 6200, quantityDays: 45, amountMinor: 9600 })]);
  });

  it('keeps one line per price and one total per currency', () => {
    // prod_a: 1 seat at USD 27.00 (2700) and 1 more bought Nov 16 10:00 at USD 30.00: Nov 16..30 = 15 days,
    // 15 * 3000/30 = 1500. prod_b: 2 seats at EUR 30.00: 60 seat-days * 100 = 6000.
    const invoice = previewInvoice(
      [
        seatsAdded('prod_b', 2, '2026-10-01T00:00:00Z', price(3000, 'EUR')),
        seatsAdded('prod_a', 1, '2026-11-16T10:00:00Z', price(3000)),
        seatsAdded('prod_a', 1, '2026-10-01T00:00:00Z', USD_2700),
      ],
      NOVEMBER_2026,
    );
    expect(invoice.lines).toEqual([
      seatsLine({ quantityDays: 30, amountMinor: 2700 }),
      seatsLine({ unitPriceMinor: 3000, quantityDays: 15, amountMinor: 1500 }),
      seatsLine({ productId: 'prod_b', unitPriceMinor: 3000, currency: 'EUR', quantityDays: 60, amountMinor: 6000 }),
    ]);
    expect(invoice.totals).toEqual([
      { currency: 'EUR', amountMinor: 6000 },
      { currency: 'USD', amountMinor: 4200 },
    ]);
  });

  it('counts a quantity that would go below zero as zero and warns', () => {
    // 1 seat, 2 removed Nov 16 12:00: 1 seat at the end of Nov 1..15 (15 seat-days), then -1 -> 0
    // on Nov 16..30 (15 days). 15 * 90 = 1350.
    const invoice = previewInvoice(
      [
        seatsAdded('prod_a', 1, '2026-10-01T00:00:00Z', USD_2700),
        seatsRemoved('prod_a', 2, '2026-11-16T12:00:00Z', USD_2700),
      ],
      NOVEMBER_2026,
    );
    expect(invoice.lines).toEqual([seatsLine({ quantityDays: 15, amountMinor: 1350 })]);
    expect(invoice.warnings).toEqual([
      'purchased seats of product "prod_a" at 2700 USD per month fall below zero on 15 day(s) from 2026-11-16 (lowest -1); counted as 0',
    ]);
  });

  it('lists no line for seats all gone before the period', () => {
    const invoice = previewInvoice(
      [
        seatsAdded('prod_a', 3, '2026-09-01T00:00:00Z', USD_2700),
        seatsRemoved('prod_a', 3, '2026-10-10T00:00:00Z', USD_2700),
      ],
      NOVEMBER_2026,
    );
    expect(invoice).toMatchObject({ lines: [], totals: [], warnings: [] });
  });
});

describe('previewInvoice: reading the ledger', () => {
  const ledger = [
    seatsAdded('prod_a', 1, '2026-10-01T00:00:00Z', USD_2700),
    seatsAdded('prod_a', 2, '2026-11-10T14:00:00Z', USD_2700),
    seatsRemoved('prod_a', 1, '2026-11-25T08:00:00Z', USD_2700),
    seatOpened('prod_a', 'usr_1', 'asg_1', '2026-11-03T10:00:00Z', USD_2700),
    seatsAdded('prod_a', 10, '2026-12-01T00:00:00Z', USD_2700), // effective at `to`: next period
  ];

  it('gives the same invoice whatever the order of the entries', () => {
    // 1 * 30 + 2 * 21 - 1 * 6 (Nov 25..30) = 66 seat-days; 66 * 90 = 5940.
    const forward = previewInvoice(ledger, NOVEMBER_2026);
    expect(forward.lines).toEqual([seatsLine({ quantityDays: 66, amountMinor: 5940 })]);
    expect(previewInvoice([...ledger].reverse(), NOVEMBER_2026)).toEqual(forward);
  });

  it("ignores other accounts' entries", () => {
    const other = { ...seatsAdded('prod_a', 50, '2026-10-01T00:00:00Z', USD_2700), accountId: 'acct_2' };
    expect(previewInvoice([...ledger, other], NOVEMBER_2026)).toEqual(previewInvoice(ledger, NOVEMBER_2026));
    expect(previewInvoice(ledger, { ...NOVEMBER_2026, accountId: 'acct_2' })).toMatchObject({
      accountId: 'acct_2',
      lines: [],
      usage: [],
      totals: [],
    });
  });

  it('counts a duplicated entry once and warns', () => {
    const purchase = seatsAdded('prod_a', 1, '2026-11-11T00:00:00Z', USD_2700);
    // Nov 11..30 = 20 days; 20 * 90 = 1800.
    const invoice = previewInvoice([purchase, { ...purchase }], NOVEMBER_2026);
    expect(invoice.lines).toEqual([seatsLine({ quantityDays: 20, amountMinor: 1800 })]);
    expect(invoice.warnings).toEqual([`entry ${purchase.id}: duplicate id; counted once`]);
  });

  it('does not share Date objects with the caller', () => {
    const query = period('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z');
    const invoice = previewInvoice(ledger, query);
    expect(invoice.from).not.toBe(query.from);
    expect(invoice.usage[0]?.start).not.toBe(ledger[3]?.effectiveAt);
  });
});

describe('previewInvoice: seat usage (not charged)', () => {
  it('shows who held seats, with the days held in the period', () => {
    const invoice = previewInvoice(
      [
        seatOpened('prod_a', 'usr_1', 'asg_1', '2026-11-03T10:00:00Z', USD_2700), // open: Nov 3..30 = 28 days
        seatOpened('prod_a', 'usr_2', 'asg_2', '2026-11-04T10:00:00Z', USD_2700), // same day: 0 days
        seatClosed('prod_a', 'usr_2', 'asg_2', '2026-11-04T15:00:00Z'),
        seatOpened('prod_a', 'usr_3', 'asg_3', '2026-09-01T00:00:00Z', USD_2700), // ended before: not listed
        seatClosed('prod_a', 'usr_3', 'asg_3', '2026-10-20T00:00:00Z'),
        seatOpened('prod_a', 'usr_4', 'asg_4', '2026-10-01T00:00:00Z', USD_2700), // ended Nov 1 00:00: not listed
        seatClosed('prod_a', 'usr_4', 'asg_4', '2026-11-01T00:00:00Z'),
        seatOpened('prod_b', 'usr_1', 'asg_5', '2026-10-01T00:00:00Z', USD_2700), // Nov 1..11 = 11 days
        seatClosed('prod_b', 'usr_1', 'asg_5', '2026-11-12T09:00:00Z'),
      ],
      NOVEMBER_2026,
    );
    expect(invoice.usage).toEqual([
      {
        productId: 'prod_a',
        userId: 'usr_1',
        assignmentId: 'asg_1',
        start: new Date('2026-11-03T10:00:00Z'),
        end: null,
        daysInPeriod: 28,
      },
      {
        productId: 'prod_a',
        userId: 'usr_2',
        assignmentId: 'asg_2',
        start: new Date('2026-11-04T10:00:00Z'),
        end: new Date('2026-11-04T15:00:00Z'),
        daysInPeriod: 0,
      },
      {
        productId: 'prod_b',
        userId: 'usr_1',
        assignmentId: 'asg_5',
        start: new Date('2026-10-01T00:00:00Z'),
        end: new Date('2026-11-12T09:00:00Z'),
        daysInPeriod: 11,
      },
    ]);
    // Seats are charged by purchase, not by assignment.
    expect(invoice).toMatchObject({ lines: [], totals: [], warnings: [] });
  });

  it('warns about a close without an open and a second open, within the period only', () => {
    const orphan = seatClosed('prod_a', 'usr_9', 'asg_9', '2026-11-05T00:00:00Z');
    const first = seatOpened('prod_a', 'usr_1', 'asg_1', '2026-11-02T00:00:00Z', USD_2700);
    const again = seatOpened('prod_a', 'usr_1', 'asg_1', '2026-11-06T00:00:00Z', USD_2700);
    const old = seatClosed('prod_a', 'usr_8', 'asg_8', '2026-10-05T00:00:00Z'); // October's problem, not November's
    const invoice = previewInvoice([orphan, first, again, old], NOVEMBER_2026);
    expect(invoice.warnings).toEqual([
      `entry ${orphan.id}: seat_closed for assignment "asg_9" (product "prod_a", user "usr_9") without an open interval; ignored`,
      `entry ${again.id}: seat_opened for assignment "asg_1" (product "prod_a", user "usr_1") while already open since 2026-11-02T00:00:00.000Z; ignored`,
    ]);
    // Nov 2..30 = 29 days, from the first opening.
    expect(invoice.usage).toEqual([
      {
        productId: 'prod_a',
        userId: 'usr_1',
        assignmentId: 'asg_1',
        start: new Date('2026-11-02T00:00:00Z'),
        end: null,
        daysInPeriod: 29,
      },
    ]);
  });
});

describe('previewInvoice: the period', () => {
  const call = (from: string, to: string) => () => previewInvoice([], period(from, to));

  it('accepts UTC midnights with from < to', () => {
    expect(previewInvoice([], NOVEMBER_2026)).toMatchObject({ lines: [], usage: [], totals: [], warnings: [] });
  });

  it.each([
    [
      'from not at midnight',
      '2026-11-01T05:00:00Z',
      '2026-12-01T00:00:00Z',
      'invalid invoice period: from must be a UTC midnight, got 2026-11-01T05:00:00.000Z',
    ],
    [
      'to at a local midnight',
      '2026-11-01T00:00:00Z',
      '2026-12-01T00:00:00+01:00',
      'invalid invoice period: to must be a UTC midnight, got 2026-11-30T23:00:00.000Z',
    ],
    [
      'from equal to to',
      '2026-11-01T00:00:00Z',
      '2026-11-01T00:00:00Z',
      'invalid invoice period: from (2026-11-01T00:00:00.000Z) must be before to (2026-11-01T00:00:00.000Z)',
    ],
    [
      'from after to',
      '2026-12-01T00:00:00Z',
      '2026-11-01T00:00:00Z',
      'invalid invoice period: from (2026-12-01T00:00:00.000Z) must be before to (2026-11-01T00:00:00.000Z)',
    ],
    [
      'an invalid date',
      'not a date',
      '2026-11-01T12:00:00Z',
      'invalid invoice period: from must be a valid Date; to must be a UTC midnight, got 2026-11-01T12:00:00.000Z',
    ],
  ])('throws a RangeError for %s', (_name, from, to, message) => {
    expect(call(from, to)).toThrow(new RangeError(message));
    expect(call(from, to)).toThrow(RangeError);
  });
});
