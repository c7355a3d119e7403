import { describe, expect, it } from 'vitest';
import { explainCharge } from './explain-charge.js';
import { previewInvoice } from './invoice.js';
import {
  ccStarted,
  ccStopped,
  NOVEMBER_2026,
  price,
  seatClosed,
  seatOpened,
  seatsAdded,
} from '../../test/ledger-fixtures.js';

// A GoTo contact-center month: usr_1 holds Connect Standard and joins a queue; Connect is removed
// (billing goes on: the GoTo rule), then usr_1 is removed from every queue, and joins again later.
const CONNECT = price(2700);
const CC = price(9000);
const ledger = [
  seatsAdded('prod_connect', 10, '2026-10-01T00:00:00Z', CONNECT),
  seatsAdded('prod_cc', 5, '2026-10-01T00:00:00Z', CC),
  seatOpened('prod_connect', 'usr_1', 'asg_1', '2026-11-02T09:00:00Z', CONNECT),
  ccStarted('prod_cc', 'usr_1', '2026-11-03T11:00:00Z', CC),
  seatClosed('prod_connect', 'usr_1', 'asg_1', '2026-11-10T09:00:00Z'),
  ccStopped('prod_cc', 'usr_1', '2026-11-20T16:00:00Z'),
  ccStarted('prod_cc', 'usr_1', '2026-11-25T08:00:00Z', CC),
  ccStarted('prod_cc', 'usr_2', '2026-11-04T08:00:00Z', CC),
];
const query = (userId: string, productId: string) => ({ ...NOVEMBER_2026, userId, productId });

describe('explainCharge', () => {
  it("gives the invoice's own line for the user, and each interval with the entries that opened and closed it", () => {
    const explanation = explainCharge(ledger, query('usr_1', 'prod_cc'));
    const invoice = previewInvoice(ledger, NOVEMBER_2026);
    expect(explanation.basis).toBe('contact_center_member');
    expect(explanation.lines).toEqual(invoice.lines.filter((l) => l.kind === 'contact_center' && l.userId === 'usr_1'));
    // End of Nov 3..19 (17 days) and of Nov 25..30 (6 days): 23 days at 9000/30 = 6900.
    expect(explanation.lines.map((l) => [l.quantityDays, l.amountMinor])).toEqual([[23, 6900]]);
    expect(
      explanation.intervals.map((i) => ({
        kind: i.kind,
        start: i.start.toISOString(),
        end: i.end?.toISOString() ?? null,
        days: i.daysInPeriod,
        opening: i.opening.kind,
        closing: i.closing?.kind ?? null,
      })),
    ).toEqual([
      {
        kind: 'contact_center',
        start: '2026-11-03T11:00:00.000Z',
        end: '2026-11-20T16:00:00.000Z',
        days: 17,
        opening: 'cc_billing_started',
        closing: 'cc_billing_stopped',
      },
      {
        kind: 'contact_center',
        start: '2026-11-25T08:00:00.000Z',
        end: null,
        days: 6,
        opening: 'cc_billing_started',
        closing: null,
      },
    ]);
    expect(explanation.intervals.reduce((days, i) => days + i.daysInPeriod, 0)).toBe(
      explanation.lines[0]!.quantityDays,
    );
  });

  it('shows a seat-billed product held by the user as seats, charged on the account not the user', () => {
    const explanation = explainCharge(ledger, query('usr_1', 'prod_connect'));
    expect(explanation.basis).toBe('purchased_seats');
    expect(explanation.lines).toEqual([]);
    expect(explanation.intervals).toHaveLength(1);
    expect(explanation.intervals[0]).toMatchObject({ kind: 'seat', daysInPeriod: 8 });
    expect(explanation.intervals[0]!.opening.assignmentId).toBe('asg_1');
    expect(explanation.intervals[0]!.closing?.kind).toBe('seat_closed');
  });

  it("says nothing of other users', other products' or other periods' holdings", () => {
    expect(explainCharge(ledger, query('usr_3', 'prod_cc')).intervals).toEqual([]);
    const october = explainCharge(ledger, {
      ...query('usr_1', 'prod_cc'),
      from: new Date('2026-10-01T00:00:00Z'),
      to: new Date('2026-11-01T00:00:00Z'),
    });
    expect(october.intervals).toEqual([]);
    expect(october.lines).toEqual([]);
  });

  it('refuses a period that is not whole UTC days, as the invoice does', () => {
    expect(() => explainCharge(ledger, { ...query('usr_1', 'prod_cc'), to: new Date('2026-11-30T12:00:00Z') })).toThrow(
      RangeError,
    );
  });
});
