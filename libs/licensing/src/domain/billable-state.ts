import type { BillableStateRecord, BillingBasis } from '@acme/licensing-data-access';

export type BillableReason =
  | { kind: 'license_held'; since: Date; assignmentId: string }
  | {
      kind: 'queue_membership';
      since: Date;
      queueId: string;
      queueName: string;
      queueKind: BillableStateRecord['memberships'][number]['queueKind'];
      role: BillableStateRecord['memberships'][number]['role'];
    };

export interface BillableProduct {
  productId: string;
  billingBasis: BillingBasis;
  billable: boolean;
  since: Date | null;
  ruleIds: string[];
  causationId: string;
  reasons: BillableReason[];
}

/**
 * Per product, why a user counts toward charges now. A purchased-seat product counts from the
 * assignment (the user holds one of the charged seats). Contact Center counts while its billing is
 * on (started by a rule with the first queue, stopped with the last), whether or not the user still
 * holds the license; a license without a queue is listed, not billable. Ordered by product id.
 */
export function billableProducts(state: BillableStateRecord): BillableProduct[] {
  const products = new Map<string, BillableProduct>();
  for (const license of state.licenses) {
    const counts = license.billingBasis === 'purchased_seats';
    products.set(license.productId, {
      productId: license.productId,
      billingBasis: license.billingBasis,
      billable: counts,
      since: counts ? license.since : null,
      ruleIds: [],
      causationId: '',
      reasons: [{ kind: 'license_held', since: license.since, assignmentId: license.assignmentId }],
    });
  }
  const billing = state.contactCenter;
  if (billing) {
    const held = products.get(billing.productId);
    products.set(billing.productId, {
      productId: billing.productId,
      billingBasis: 'contact_center_member',
      billable: true,
      since: billing.since,
      ruleIds: billing.ruleIds,
      causationId: billing.causationId,
      reasons: [
        ...(held?.reasons ?? []),
        ...state.memberships.map((m): BillableReason => ({
          kind: 'queue_membership',
          since: m.since,
          queueId: m.queueId,
          queueName: m.queueName,
          queueKind: m.queueKind,
          role: m.role,
        })),
      ],
    });
  }
  return [...products.values()].sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
}
