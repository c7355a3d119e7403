import { describe, expect, it } from 'vitest';
import type { BillableStateRecord } from '@acme/licensing-data-access';
import { billableProducts } from './billable-state.js';

const at = (day: number) => new Date(Date.UTC(2026, 11, day, 9));

const license = (
  productId: string,
  day: number,
  basis: 'purchased_seats' | 'contact_center_member' = 'purchased_seats',
) => ({
  assignmentId: `asg_${productId}`,
  productId,
  billingBasis: basis,
  since: at(day),
});

const inQueue = (queueId: string, day: number) => ({
  queueId,
  queueName: `Queue ${queueId}`,
  queueKind: 'call' as const,
  role: 'agent' as const,
  since: at(day),
});

const billing = (day: number) => ({
  accountId: 'acct_1',
  userId: 'usr_1',
  productId: 'goto_contact_center',
  since: at(day),
  ruleIds: ['contact-center.billing-starts-with-first-queue'],
  causationId: 'req_1',
});

describe('billableProducts', () => {
  it('counts a purchased-seat license from its assignment', () => {
    const state: BillableStateRecord = { licenses: [license('goto_meeting', 3)], memberships: [], contactCenter: null };
    expect(billableProducts(state)).toEqual([
      {
        productId: 'goto_meeting',
        billingBasis: 'purchased_seats',
        billable: true,
        since: at(3),
        ruleIds: [],
        causationId: '',
        reasons: [{ kind: 'license_held', since: at(3), assignmentId: 'asg_goto_meeting' }],
      },
    ]);
  });

  it('lists a Contact Center license without a queue as not billable', () => {
    const state: BillableStateRecord = {
      licenses: [license('goto_contact_center', 3, 'contact_center_member')],
      memberships: [],
      contactCenter: null,
    };
    expect(billableProducts(state)).toMatchObject([{ productId: 'goto_contact_center', billable: false, since: null }]);
  });

  it('bills Contact Center from the billing start, not from the oldest queue still held, with license and queues as reasons', () => {
    const state: BillableStateRecord = {
      licenses: [license('goto_contact_center', 1, 'contact_center_member')],
      memberships: [inQueue('q_b', 9)],
      contactCenter: billing(2),
    };
    const [cc] = billableProducts(state);
    expect(cc).toMatchObject({
      billable: true,
      since: at(2),
      ruleIds: ['contact-center.billing-starts-with-first-queue'],
      causationId: 'req_1',
    });
    expect(cc!.reasons.map((r) => r.kind)).toEqual(['license_held', 'queue_membership']);
  });

  it('keeps billing Contact Center for a queue member whose license was removed', () => {
    const state: BillableStateRecord = {
      licenses: [license('goto_meeting', 1)],
      memberships: [inQueue('q_a', 2), inQueue('q_c', 4)],
      contactCenter: billing(2),
    };
    expect(billableProducts(state).map((p) => [p.productId, p.billable, p.reasons.length])).toEqual([
      ['goto_contact_center', true, 2],
      ['goto_meeting', true, 1],
    ]);
  });
});
