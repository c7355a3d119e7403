import { describe, expect, it } from 'vitest';
import { previewInvoice } from './invoice.js';
import type { InvoiceLine } from './invoice-types.js';
import {
  ccStarted,
  ccStopped,
  NOVEMBER_2026,
  period,
  price,
  seatClosed,
  seatOpened,
  seatsAdded,
  seatsLine,
} from '../../test/ledger-fixtures.js';
import { CONTACT_CENTER_SEATS_NOTE } from './seat-lines.js';

// prod_connect is GoTo Connect Standard (USD 27.00/month), prod_cc GoTo Contact Center (USD 90.00/month).
// November 2026 has 30 days: Contact Center costs 9000/30 = 300 a day, Connect 2700/30 = 90 a seat-day.
const CONNECT = price(2700);
const CC = price(9000);

const ccSeatsLine = (fields: Partial<InvoiceLine>): InvoiceLine =>
  seatsLine({ productId: 'prod_cc', unitPriceMinor: 9000, ...fields });
const ccLine = (userId: string, quantityDays: number, amountMinor: number): InvoiceLine =>
  ccSeatsLine({ kind: 'contact_center', basis: 'contact_center_member', userId, quantityDays, amountMinor });

describe('previewInvoice: Contact Center (the GoTo rule)', () => {
  const ledger = [
    seatsAdded('prod_connect', 10, '2026-10-01T00:00:00Z', CONNECT),
    seatsAdded('prod_cc', 5, '2026-10-01T00:00:00Z', CC),
    seatOpened('prod_connect', 'usr_1', 'asg_1', '2026-10-01T09:00:00Z', CONNECT),
    ccStarted('prod_cc', 'usr_1', '2026-10-05T11:00:00Z', CC),
    ccStarted('prod_cc', 'usr_2', '2026-10-05T11:00:00Z', CC),
    // Connect Standard removed from usr_1, who is still in call/inbound/outbound queues.
    seatClosed('prod_connect', 'usr_1', 'asg_1', '2026-11-10T09:00:00Z'),
    // usr_2 removed from every queue: billing stops.
    ccStopped('prod_cc', 'usr_2', '2026-11-20T16:00:00Z'),
  ];

  it('keeps billing a user whose Connect Standard seat was removed, and stops when they leave the last queue', () => {
    const invoice = previewInvoice(ledger, NOVEMBER_2026);
    expect(invoice.lines).toEqual([
      // prod_cc (< prod_connect) has Contact Center entries: its 5 seats * 30 days are listed, not charged.
      ccSeatsLine({ quantityDays: 150, charged: false, amountMinor: 0, note: CONTACT_CENTER_SEATS_NOTE }),
      // 10 seats * 30 days = 300 seat-days * 90 = 27000.
      ccSeatsLine({ productId: 'prod_connect', unitPriceMinor: 2700, quantityDays: 300, amountMinor: 27000 }),
      // usr_1 still queued all month: 30 days * 300 = 9000.
      ccLine('usr_1', 30, 9000),
      // usr_2 stopped Nov 20 16:00: billable at the end of Nov 1..19 = 19 days * 300 = 5700.
      ccLine('usr_2', 19, 5700),
    ]);
    // 27000 + 9000 + 5700 = 41700 (the prod_cc seats add nothing).
    expect(invoice.totals).toEqual([{ currency: 'USD', amountMinor: 41700 }]);
    // usr_1 held the Connect seat at the end of Nov 1..9 = 9 days.
    expect(invoice.usage).toEqual([
      {
        productId: 'prod_connect',
        userId: 'usr_1',
        assignmentId: 'asg_1',
        start: new Date('2026-10-01T09:00:00Z'),
        end: new Date('2026-11-10T09:00:00Z'),
        daysInPeriod: 9,
      },
    ]);
    expect(invoice.warnings).toEqual([]);
  });

  it('bills the remaining queue member the next month and no longer the one who left', () => {
    // December 2026 has 31 days: usr_1 31 * 9000/31 = 9000; Connect 10 seats * 31 days * 2700/31 = 27000.
    const invoice = previewInvoice(ledger, period('2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z'));
    expect(invoice.lines.filter((l) => l.kind === 'contact_center')).toEqual([ccLine('usr_1', 31, 9000)]);
    expect(invoice.totals).toEqual([{ currency: 'USD', amountMinor: 36000 }]);
    expect(invoice.usage).toEqual([]);
  });

  it('charges nothing for a user who joined and left on the same day, and bills a rejoin from its day', () => {
    const invoice = previewInvoice(
      [
        ccStarted('prod_cc', 'usr_3', '2026-11-03T10:00:00Z', CC),
        ccStopped('prod_cc', 'usr_3', '2026-11-03T15:00:00Z'),
        // usr_4: Nov 1..9 (stop Nov 10 12:00), then again from Nov 20 08:00: Nov 20..30 = 11; 20 days * 300 = 6000.
        ccStarted('prod_cc', 'usr_4', '2026-10-20T00:00:00Z', CC),
        ccStopped('prod_cc', 'usr_4', '2026-11-10T12:00:00Z'),
        ccStarted('prod_cc', 'usr_4', '2026-11-20T08:00:00Z', CC),
      ],
      NOVEMBER_2026,
    );
    expect(invoice.lines).toEqual([ccLine('usr_4', 20, 6000)]);
    expect(invoice.warnings).toEqual([]);
  });

  it('ignores a stop without an open interval and a second start (the first price stays), with warnings', () => {
    const orphanStop = ccStopped('prod_cc', 'usr_5', '2026-11-05T00:00:00Z');
    const secondStart = ccStarted('prod_cc', 'usr_1', '2026-11-12T00:00:00Z', price(12000));
    const invoice = previewInvoice(
      [ccStarted('prod_cc', 'usr_1', '2026-10-05T11:00:00Z', CC), orphanStop, secondStart],
      NOVEMBER_2026,
    );
    expect(invoice.lines).toEqual([ccLine('usr_1', 30, 9000)]);
    expect(invoice.warnings).toEqual([
      `entry ${orphanStop.id}: cc_billing_stopped for product "prod_cc" user "usr_5" without an open interval; ignored`,
      `entry ${secondStart.id}: cc_billing_started for product "prod_cc" user "usr_1" while already open ` +
        `since 2026-10-05T11:00:00.000Z; ignored (the first price stays)`,
    ]);
  });

  it('charges seats of a product per seat while its Contact Center entries are all after the period', () => {
    // 5 seats * 30 days * 300 = 45000; the first queue member joins on Dec 1 00:00 (= to).
    const invoice = previewInvoice(
      [seatsAdded('prod_cc', 5, '2026-10-01T00:00:00Z', CC), ccStarted('prod_cc', 'usr_1', '2026-12-01T00:00:00Z', CC)],
      NOVEMBER_2026,
    );
    expect(invoice.lines).toEqual([ccSeatsLine({ quantityDays: 150, amountMinor: 45000 })]);
  });

  it('never adds currencies together', () => {
    // usr_1 at EUR 90.00 all month (9000); usr_2 at USD 60.00 from Nov 16 00:00: Nov 16..30 = 15 days * 200 = 3000.
    const invoice = previewInvoice(
      [
        ccStarted('prod_cc', 'usr_1', '2026-10-01T00:00:00Z', price(9000, 'EUR')),
        ccStarted('prod_cc', 'usr_2', '2026-11-16T00:00:00Z', price(6000)),
      ],
      NOVEMBER_2026,
    );
    expect(invoice.totals).toEqual([
      { currency: 'EUR', amountMinor: 9000 },
      { currency: 'USD', amountMinor: 3000 },
    ]);
  });
});

// Found by a user: PurchaseSeats charged Contact Center seats that the invoice then listed as not charged.
describe('previewInvoice: the billing basis the events state', () => {
  it('never charges the seats of a product billed per queue member, even before anyone joins a queue', () => {
    const perMember = price(9000, 'USD', 'month', 'contact_center_member');
    const invoice = previewInvoice([seatsAdded('prod_cc', 5, '2026-10-01T00:00:00Z', perMember)], NOVEMBER_2026);
    expect(invoice.lines).toEqual([
      ccSeatsLine({ quantityDays: 150, charged: false, amountMinor: 0, note: CONTACT_CENTER_SEATS_NOTE }),
    ]);
    expect(invoice.totals).toEqual([{ currency: 'USD', amountMinor: 0 }]);
  });

  it('charges the seats of a product billed per purchased seat, whatever else its entries are', () => {
    const perSeat = price(9000, 'USD', 'month', 'purchased_seats');
    const invoice = previewInvoice(
      [
        seatsAdded('prod_cc', 5, '2026-10-01T00:00:00Z', perSeat),
        ccStarted('prod_cc', 'usr_1', '2026-10-05T11:00:00Z', perSeat),
      ],
      NOVEMBER_2026,
    );
    expect(invoice.lines[0]).toEqual(ccSeatsLine({ quantityDays: 150, amountMinor: 5 * 9000 }));
  });

  it('infers the basis, as before, for a product whose events state none', () => {
    const unstated = price(9000);
    const withoutQueue = previewInvoice([seatsAdded('prod_cc', 5, '2026-10-01T00:00:00Z', unstated)], NOVEMBER_2026);
    expect(withoutQueue.totals).toEqual([{ currency: 'USD', amountMinor: 5 * 9000 }]);
  });
});
