/**
 * The facts the rules decide on, built in this one place (their shapes are the rules catalogue's:
 * `npm run rules -- catalogue`). Use cases gather the records; these turn them into facts.
 */
import type { Principal } from '@acme/auth';
import type {
  AccountRecord,
  AssignmentRecord,
  LicenseBook,
  SubscriptionRecord,
  UserRecord,
} from '@acme/licensing-data-access';

/** The `actor` and `account` facts every decision point needs. */
export function actorFacts(principal: Principal, account: AccountRecord) {
  return {
    actor: {
      kind: principal.kind,
      roles: [...principal.roles],
      permissions: [...principal.permissions],
      scopes: [...principal.scopes],
      isOwner: principal.kind === 'user' && account.ownerUserId === principal.subject,
    },
    account: {
      kind: account.kind,
      style: account.style,
      cardOnFile: account.cardOnFile,
      legacyPlan: account.legacyPlan,
    },
  };
}

/**
 * A subscription as a change in a bulk call sees it: with the seats the changes planned before
 * it in the same transaction will move (`moved`: taken positive, freed negative).
 */
export const withPlannedSeats = (subscription: SubscriptionRecord | undefined, moved = 0) =>
  subscription && { ...subscription, assigned: subscription.assigned + moved };

/** The seat facts of one product when `requested` seats are taken (negative: given back). */
export function seatFacts(
  productId: string,
  suiteId: string | null,
  subscription: SubscriptionRecord | undefined,
  requested: number,
) {
  const purchased = subscription?.purchased ?? 0;
  const assigned = subscription?.assigned ?? 0;
  return {
    id: productId,
    suiteId,
    purchased,
    assigned,
    available: purchased - assigned,
    requested,
    availableAfter: purchased - assigned - requested,
    purchasedAfter: purchased,
  };
}

/** The seat facts of one product whose purchased seats become `purchasedAfter`. */
export function seatCountFacts(
  productId: string,
  suiteId: string | null,
  subscription: Pick<SubscriptionRecord, 'purchased' | 'assigned'>,
  purchasedAfter: number,
) {
  const { purchased, assigned } = subscription;
  return {
    id: productId,
    suiteId,
    purchased,
    assigned,
    available: purchased - assigned,
    requested: purchasedAfter - purchased,
    purchasedAfter,
    availableAfter: purchasedAfter - assigned,
  };
}

export interface PhoneFacts {
  /** An active phone configuration (the user holds GoTo Connect with a configured phone). */
  hasPhoneConfiguration: boolean;
  /** A configuration kept after a removal, still inside its retention window. */
  hasRetainedConfiguration: boolean;
}

const NO_PHONE: PhoneFacts = { hasPhoneConfiguration: false, hasRetainedConfiguration: false };

/** The `user` fact: the licenses held, queue memberships before/after, phone configuration state. */
export function userFacts(
  user: Pick<UserRecord, 'id'>,
  current: AssignmentRecord[],
  queues: { before: number; after: number } = { before: 0, after: 0 },
  phone: PhoneFacts = NO_PHONE,
) {
  return {
    id: user.id,
    productIds: current.map((a) => a.productId),
    queueMembershipCount: queues.before,
    queueMembershipCountAfter: queues.after,
    ...phone,
  };
}

/** The user fact of a license change, read from the transaction: memberships do not change with licenses. */
export async function licenseUserFacts(
  tx: LicenseBook,
  accountId: string,
  user: Pick<UserRecord, 'id'>,
  current: AssignmentRecord[],
  now: Date,
) {
  const count = (await tx.membershipsOfUser(accountId, user.id)).length;
  return userFacts(user, current, { before: count, after: count }, await phoneFacts(tx, user.id, now));
}

export async function phoneFacts(tx: LicenseBook, userId: string, now: Date): Promise<PhoneFacts> {
  const config = await tx.phoneConfiguration(userId);
  return {
    hasPhoneConfiguration: config !== null && config.retainedUntil === null,
    hasRetainedConfiguration: config !== null && config.retainedUntil !== null && config.retainedUntil > now,
  };
}
