import { createHash } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import fc from 'fast-check';
import { EVENT_TYPE_BY_CASE, events } from '@acme/contracts';

/** The valid events a scenario starts from: money-relevant ones and a no-charge one. */
export const BASE_KINDS = [
  'licenseAssigned',
  'licenseUnassigned',
  'seatsPurchased',
  'contactCenterBillingStarted',
  'featuresChanged',
] as const;
export type BaseKind = (typeof BASE_KINDS)[number];

export interface BasePlan {
  kind: BaseKind;
  /** Which of the run's three accounts it belongs to. */
  account: number;
}

export const basePlanArb: fc.Arbitrary<BasePlan> = fc.record({
  kind: fc.constantFrom(...BASE_KINDS),
  account: fc.integer({ min: 0, max: 2 }),
});

const price = { unitPrice: { currencyCode: 'USD', amountMinor: 2700n }, billingPeriod: 'month' };

/**
 * Event ids are hashes, so that a flipped byte or two can never turn one event's id into another
 * event's id (fast-check would otherwise happily generate `ev-1` and `ev-2`), and carry the run tag
 * so runs sharing one ledger never collide.
 */
export function baseEventId(tag: string, index: number): string {
  return `ev-${tag}-${createHash('sha256').update(`${tag}:${index}`).digest('hex').slice(0, 16)}`;
}

export const accountOf = (tag: string, account: number) => `acct_${tag}_${account}`;

/** A valid envelope of `plan.kind`, as the licensing service would produce it. */
export function baseEnvelope(plan: BasePlan, tag: string, index: number, sequence: number): events.EventEnvelope {
  const eventId = baseEventId(tag, index);
  const at = timestampFromDate(new Date(Date.UTC(2026, 10, 3, 10, 0, index)));
  const holding = {
    assignmentId: `asg_${tag}_${index}`,
    userId: `usr_${tag}_${index % 4}`,
    productId: 'goto_meeting',
    effectiveTime: at,
  };
  const payload = (() => {
    switch (plan.kind) {
      case 'licenseAssigned':
        return { case: 'licenseAssigned' as const, value: { ...holding, price } };
      case 'licenseUnassigned':
        return { case: 'licenseUnassigned' as const, value: holding };
      case 'seatsPurchased':
        return {
          case: 'seatsPurchased' as const,
          value: { productId: 'goto_meeting', quantity: 1 + (index % 5), purchasedAfter: 10, price, effectiveTime: at },
        };
      case 'contactCenterBillingStarted':
        return {
          case: 'contactCenterBillingStarted' as const,
          value: {
            userId: holding.userId,
            queueId: `que_${tag}`,
            productId: 'goto_contact_center',
            price,
            effectiveTime: at,
          },
        };
      case 'featuresChanged':
        return {
          case: 'featuresChanged' as const,
          value: {
            assignmentId: holding.assignmentId,
            userId: holding.userId,
            productId: 'goto_meeting',
            before: { hd_video: true },
            after: { hd_video: false },
          },
        };
    }
  })();
  return create(events.EventEnvelopeSchema, {
    eventId,
    eventType: EVENT_TYPE_BY_CASE[plan.kind],
    accountId: accountOf(tag, plan.account),
    occurTime: at,
    sequence: BigInt(sequence),
    causationId: `req_${tag}_${index}`,
    actor: { subject: 'usr_admin', kind: events.ActorKind.USER },
    payload,
  });
}
