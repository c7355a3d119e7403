/** Plain records this lib returns; callers never see entities or the ORM. */
export interface CatalogProduct {
  id: string;
  name: string;
  vendor: 'goto' | 'zendesk';
  features: string[];
  suiteId: string | null;
  unitPriceMinor: number;
  currency: string;
  billingPeriod: 'month' | 'year';
  /** What the price is charged for: each purchased seat, or each user in a contact-center queue. */
  billingBasis: BillingBasis;
}

export type BillingBasis = 'purchased_seats' | 'contact_center_member';

export interface CatalogSuite {
  id: string;
  name: string;
  productIds: string[];
  /** Every product of the suite keeps the same number of seats (suite parity). */
  parityRequired: boolean;
}

/** What a quote was asked for: seats of one product, or of every product of a suite. */
export interface QuoteItemRecord {
  productId: string;
  suiteId: string;
  quantity: number;
}

/** One product a quote's purchase changes, as it was priced. */
export interface QuoteLineRecord {
  productId: string;
  /** The suite the line was asked through, '' when the product was named. */
  suiteId: string;
  quantity: number;
  purchasedBefore: number;
  purchasedAfter: number;
  unitPriceMinor: number;
  currency: string;
  billingPeriod: 'month' | 'year';
  billingBasis: BillingBasis;
  /** Charged now: the added seats from the quote's day to the end of the billing period. */
  proratedMinor: number;
  /** The first midnight after the charged days (the end of the month or year). */
  periodEnd: Date;
}

export interface QuoteRecord {
  id: string;
  accountId: string;
  items: QuoteItemRecord[];
  lines: QuoteLineRecord[];
  totalMinor: number;
  currency: string;
  state: 'open' | 'checked_out' | 'sent_to_sales';
  /** The pending sales orders the quote became (state sent_to_sales); empty otherwise. */
  salesOrderIds: string[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  checkedOutAt: Date | null;
}

export interface AccountRecord {
  id: string;
  name: string;
  kind: 'self_service' | 'sales_managed';
  style: 'goto' | 'zendesk';
  legacyPlan: boolean;
  cardOnFile: boolean;
  ownerUserId: string | null;
  /** What the account may buy and at which rates; null: nothing (see OfferingRecord). */
  offeringId: string | null;
  /** ISO 4217 code of the account's rates and charges. */
  currency: string;
  /** The payment provider's billing profile that holds the card (set with cardOnFile); never card data. */
  billingProfileId: string | null;
  createdAt: Date;
  /** Suspended: the data stays, no user is entitled to anything (back office sets it). */
  suspended: boolean;
}

/** What an account may buy, and the rate of each product (catalog/catalog.json's offerings). */
export interface OfferingRecord {
  id: string;
  name: string;
  prices: { productId: string; unitPriceMinor: number; currency: string }[];
}

export interface SeatUsageRecord {
  productId: string;
  purchased: number;
  assigned: number;
  available: number;
  pendingFromSales: number;
}

/**
 * What licensing says one account holds, for a reconciliation with the billing ledger: the seats
 * it bought, the seats users hold, who it bills for Contact Center, and how many of its events
 * billing has not been sent yet (the ledger lags by those).
 */
export interface AccountHoldingsRecord {
  accountId: string;
  /** Purchased seats per subscribed product, ordered by product (0 for a product with none left). */
  purchasedSeats: { productId: string; quantity: number }[];
  /** Every assignment of the account, ordered by id. */
  assignments: { id: string; userId: string; productId: string }[];
  /**
   * Users billable for Contact Center: members of at least one queue, under the product the
   * billing events name (the rules' `contactCenter.contactCenterProductId`), ordered by user.
   */
  contactCenterMembers: { productId: string; userId: string }[];
  /** Outbox events of the account not yet published. */
  pendingEvents: number;
}

export interface UserRecord {
  id: string;
  accountId: string;
  email: string;
  displayName: string;
  roles: string[];
  permissions: string[];
  createdAt: Date;
  /** Set while the user is deactivated (holds nothing, cannot sign in); null when active. */
  deactivatedAt: Date | null;
}

/** A subscription's seat counters and the seat-usage notice standing on it (see LicenseBook.seatLevels). */
export interface SeatLevelRecord {
  productId: string;
  purchased: number;
  assigned: number;
  /** The highest threshold (percent) whose notice stands; 0: none. */
  noticePercent: number;
}

export interface SubscriptionRecord {
  productId: string;
  purchased: number;
  assigned: number;
  unitPriceMinor: number;
  currency: string;
}

export interface AssignmentRecord {
  id: string;
  accountId: string;
  userId: string;
  productId: string;
  features: Record<string, boolean>;
  createdAt: Date;
}

export interface SalesOrderRecord {
  id: string;
  accountId: string;
  productId: string;
  quantity: number;
  state: 'pending' | 'completed' | 'cancelled';
  note: string;
  requestedBy: string;
  createdAt: Date;
  completedAt: Date | null;
  completedBy: string | null;
  cancelledAt: Date | null;
  cancelledBy: string | null;
}

export interface QueueRecord {
  id: string;
  accountId: string;
  kind: 'call' | 'inbound' | 'outbound';
  name: string;
  createdAt: Date;
}

export interface MembershipRecord {
  queueId: string;
  queueKind: QueueRecord['kind'];
  userId: string;
  role: 'agent' | 'supervisor';
}

/** A user's phone: what GoTo Admin shows on the user's phone settings. */
export interface PhoneSettings {
  /** Internal extension (digits); '' until set. Unique in the account. */
  extension: string;
  /** E.164 number shown to callees; '' for the account's main number. */
  callerIdNumber: string;
  devices: { kind: 'desk_phone' | 'softphone' | 'mobile'; label: string }[];
  forwarding: { enabled: boolean; toNumber: string; afterRings: number };
  voicemail: { enabled: boolean; transcription: boolean; greeting: 'default' | 'custom' };
}

export interface PhoneConfigurationRecord {
  userId: string;
  productId: string;
  settings: PhoneSettings;
  /** The license's feature toggles, as they were when it was removed: restored with the configuration. */
  features: Record<string, boolean>;
  /** Set while the configuration is kept after the license was removed. */
  retainedUntil: Date | null;
}

/** An audit entry to append: the stored record without its generated id, plus the account. */
export type AuditInput = Omit<AuditRecord, 'id'> & { accountId: string };

export interface OutboxInput {
  eventId: string;
  eventType: string;
  occurredAt: Date;
  /** Builds the serialized envelope once the per-account sequence is known. */
  payload: (sequence: number) => Uint8Array;
}

export interface IdempotencyHit {
  method: string;
  requestHash: string;
  response: Uint8Array;
}

/** An outbox row as the relay and tests read it. */
export interface OutboxRecord {
  id: string;
  sequence: number;
  eventType: string;
  payload: Uint8Array;
  publishedAt: Date | null;
}

/** An audit entry as stored. */
export interface AuditRecord {
  id: string;
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  causationId: string;
  occurredAt: Date;
}

/** A user billed for Contact Center now (licensing's side of the ledger's open billing). */
export interface ContactCenterBillingRecord {
  accountId: string;
  userId: string;
  productId: string;
  since: Date;
  /** The rules whose `billing_start` effects started it. */
  ruleIds: string[];
  /** The request that started it. */
  causationId: string;
}

/** Why a user costs money, as licensing holds it (see billableStateOfUser). */
export interface BillableStateRecord {
  licenses: { assignmentId: string; productId: string; billingBasis: BillingBasis; since: Date }[];
  memberships: {
    queueId: string;
    queueName: string;
    queueKind: QueueRecord['kind'];
    role: MembershipRecord['role'];
    since: Date;
  }[];
  contactCenter: ContactCenterBillingRecord | null;
}
