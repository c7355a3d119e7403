import { describe, expect, it } from 'vitest';
import { ledgerHoldings } from './holdings.js';
import {
  ccStarted,
  ccStopped,
  price,
  seatClosed,
  seatOpened,
  seatsAdded,
  seatsRemoved,
} from '../../test/ledger-fixtures.js';

const USD = price(2700);
const NOON = '2026-11-10T12:00:00Z';
const at = (iso: string) => new Date(iso);

describe('ledgerHoldings', () => {
  it('counts purchased seats per product as added minus removed', () => {
    const holdings = ledgerHoldings(
      [
        seatsAdded('prod_a', 10, '2026-10-01T00:00:00Z', USD),
        seatsAdded('prod_a', 2, '2026-11-01T09:00:00Z', price(2500)),
        seatsRemoved('prod_a', 3, '2026-11-05T09:00:00Z', USD),
        seatsAdded('prod_b', 4, '2026-11-05T09:00:00Z', USD),
      ],
      at(NOON),
    );
    expect([...holdings.purchasedSeats]).toEqual([
      ['prod_a', 9],
      ['prod_b', 4],
    ]);
  });

  it('reads only entries effective at or before the instant', () => {
    const entries = [
      seatsAdded('prod_a', 10, '2026-10-01T00:00:00Z', USD),
      seatsRemoved('prod_a', 4, NOON, USD),
      seatOpened('prod_a', 'usr_1', 'asg_1', NOON, USD),
    ];
    expect(ledgerHoldings(entries, at('2026-11-10T11:59:59.999Z'))).toMatchObject({
      purchasedSeats: new Map([['prod_a', 10]]),
      openSeats: new Map(),
    });
    expect(ledgerHoldings(entries, at(NOON))).toMatchObject({
      purchasedSeats: new Map([['prod_a', 6]]),
      openSeats: new Map([['asg_1', { productId: 'prod_a', userId: 'usr_1' }]]),
    });
  });

  it('closes a seat whose close comes first in the list but after its open in the ledger (same instant)', () => {
    const opened = seatOpened('prod_a', 'usr_1', 'asg_1', NOON, USD);
    const closed = seatClosed('prod_a', 'usr_1', 'asg_1', NOON);
    expect(ledgerHoldings([closed, opened], at(NOON)).openSeats).toEqual(new Map());
  });

  it('keeps a seat open that was closed and opened again, in sequence order at one instant', () => {
    const first = seatOpened('prod_a', 'usr_1', 'asg_1', '2026-11-01T09:00:00Z', USD);
    const closed = seatClosed('prod_a', 'usr_1', 'asg_1', NOON);
    const reopened = seatOpened('prod_a', 'usr_1', 'asg_1', NOON, USD);
    expect(ledgerHoldings([first, reopened, closed], at(NOON)).openSeats).toEqual(
      new Map([['asg_1', { productId: 'prod_a', userId: 'usr_1' }]]),
    );
  });

  it('counts an entry whose id appears twice once', () => {
    const bought = seatsAdded('prod_a', 5, '2026-11-01T09:00:00Z', USD);
    const removed = seatsRemoved('prod_a', 2, '2026-11-02T09:00:00Z', USD);
    expect(ledgerHoldings([bought, removed, { ...bought }, { ...removed }], at(NOON)).purchasedSeats).toEqual(
      new Map([['prod_a', 3]]),
    );
  });

  it('lists the contact-center users started and not stopped since, per product and user', () => {
    const holdings = ledgerHoldings(
      [
        ccStarted('prod_cc', 'usr_2', '2026-11-01T09:00:00Z', USD),
        ccStarted('prod_cc', 'usr_1', '2026-11-01T09:00:00Z', USD),
        ccStarted('prod_cc', 'usr_3', '2026-11-01T09:00:00Z', USD),
        ccStopped('prod_cc', 'usr_3', '2026-11-03T09:00:00Z'),
        // A stop without a start is ignored, as the invoice ignores it; the later start still bills.
        ccStopped('prod_cc', 'usr_4', '2026-11-04T09:00:00Z'),
        ccStarted('prod_cc', 'usr_4', '2026-11-05T09:00:00Z', USD),
        ccStarted('prod_other', 'usr_1', '2026-11-05T09:00:00Z', USD),
      ],
      at(NOON),
    );
    expect(holdings.contactCenterMembers).toEqual([
      { productId: 'prod_cc', userId: 'usr_1' },
      { productId: 'prod_cc', userId: 'usr_2' },
      { productId: 'prod_cc', userId: 'usr_4' },
      { productId: 'prod_other', userId: 'usr_1' },
    ]);
  });

  it('stops a contact-center user whose stop shares its start instant but follows it in sequence', () => {
    const started = ccStarted('prod_cc', 'usr_1', NOON, USD);
    const stopped = ccStopped('prod_cc', 'usr_1', NOON);
    expect(ledgerHoldings([stopped, started], at(NOON)).contactCenterMembers).toEqual([]);
  });
});
