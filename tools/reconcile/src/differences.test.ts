import { describe, expect, it } from 'vitest';
import type { LedgerHoldings } from '@acme/billing';
import type { AccountHoldingsRecord } from '@acme/licensing-data-access';
import { holdingDifferences } from './differences.js';

const ACCOUNT = 'acct_demo_goto';

const licensing = (fields: Partial<AccountHoldingsRecord> = {}): AccountHoldingsRecord => ({
  accountId: ACCOUNT,
  purchasedSeats: [{ productId: 'goto_connect_standard', quantity: 10 }],
  assignments: [{ id: 'asg_1', userId: 'usr_1', productId: 'goto_connect_standard' }],
  contactCenterMembers: [{ productId: 'goto_contact_center', userId: 'usr_1' }],
  pendingEvents: 0,
  ...fields,
});

const ledger = (fields: Partial<LedgerHoldings> = {}): LedgerHoldings => ({
  purchasedSeats: new Map([['goto_connect_standard', 10]]),
  openSeats: new Map([['asg_1', { userId: 'usr_1', productId: 'goto_connect_standard' }]]),
  contactCenterMembers: [{ productId: 'goto_contact_center', userId: 'usr_1' }],
  ...fields,
});

const messages = (l: AccountHoldingsRecord, g: LedgerHoldings) => holdingDifferences(l, g).map((d) => d.message);

describe('holdingDifferences', () => {
  it('finds none when both sides hold the same', () => {
    expect(holdingDifferences(licensing(), ledger())).toEqual([]);
  });

  it('names a seat count that differs, either way, and a product only one side has', () => {
    const differences = holdingDifferences(
      licensing({
        purchasedSeats: [
          { productId: 'goto_connect_standard', quantity: 12 },
          { productId: 'goto_meeting', quantity: 3 },
          { productId: 'goto_webinar', quantity: 0 },
        ],
      }),
      ledger({
        purchasedSeats: new Map([
          ['goto_connect_standard', 10],
          ['goto_contact_center', 5],
        ]),
      }),
    );
    expect(differences).toEqual([
      {
        accountId: ACCOUNT,
        kind: 'purchased_seats',
        message: 'acct_demo_goto goto_connect_standard: 12 seats purchased in licensing, 10 in the ledger',
      },
      {
        accountId: ACCOUNT,
        kind: 'purchased_seats',
        message: 'acct_demo_goto goto_contact_center: 0 seats purchased in licensing, 5 in the ledger',
      },
      {
        accountId: ACCOUNT,
        kind: 'purchased_seats',
        message: 'acct_demo_goto goto_meeting: 3 seats purchased in licensing, 0 in the ledger',
      },
    ]);
  });

  it('names an assignment active on one side only, and one held by someone else', () => {
    const found = messages(
      licensing({
        assignments: [
          { id: 'asg_1', userId: 'usr_1', productId: 'goto_connect_standard' },
          { id: 'asg_x', userId: 'usr_y', productId: 'goto_meeting' },
        ],
      }),
      ledger({
        openSeats: new Map([
          ['asg_1', { userId: 'usr_2', productId: 'goto_connect_standard' }],
          ['asg_0', { userId: 'usr_z', productId: 'goto_meeting' }],
        ]),
      }),
    );
    expect(found).toEqual([
      'acct_demo_goto assignment asg_0 (usr_z, goto_meeting): open seat in the ledger, not active in licensing',
      'acct_demo_goto assignment asg_1: (usr_1, goto_connect_standard) in licensing, ' +
        'an open seat of (usr_2, goto_connect_standard) in the ledger',
      'acct_demo_goto assignment asg_x (usr_y, goto_meeting): active in licensing, no open seat in the ledger',
    ]);
  });

  it('names a contact-center member billable on one side only, per product', () => {
    const found = messages(
      licensing({
        contactCenterMembers: [
          { productId: 'goto_contact_center', userId: 'usr_1' },
          { productId: 'goto_contact_center', userId: 'usr_2' },
        ],
      }),
      ledger({
        contactCenterMembers: [
          { productId: 'goto_contact_center', userId: 'usr_1' },
          { productId: 'other_cc', userId: 'usr_2' },
        ],
      }),
    );
    expect(found).toEqual([
      'acct_demo_goto goto_contact_center contact-center member usr_2: ' +
        'in a queue in licensing, not billed in the ledger',
      'acct_demo_goto other_cc contact-center member usr_2: billed in the ledger, in no queue in licensing',
    ]);
  });

  it('lists seats, then assignments, then contact-center members', () => {
    const differences = holdingDifferences(
      licensing({ purchasedSeats: [], assignments: [], contactCenterMembers: [] }),
      ledger(),
    );
    expect(differences.map((d) => d.kind)).toEqual(['purchased_seats', 'assignment', 'contact_center_member']);
  });
});
