import type {
  AccountRecord,
  AssignmentRecord,
  AuditInput,
  CatalogProduct,
  CatalogSuite,
  ContactCenterBillingRecord,
  OfferingRecord,
  QuoteRecord,
  IdempotencyHit,
  MembershipRecord,
  OutboxInput,
  PhoneConfigurationRecord,
  QueueRecord,
  SalesOrderRecord,
  SeatLevelRecord,
  SubscriptionRecord,
  UserRecord,
} from './records.js';

/** What one mutation reads first, asked for up front so that a backend may read it all at once. */
export interface FirstReads {
  accountId: string;
  userId?: string;
  idempotencyKey?: string;
  productIds?: string[];
}

/**
 * The licensing state one mutation reads and changes, inside one transaction that commits all of
 * it or none: the port the use cases are written against (`db.transaction(book => …)`).
 *
 * Reads are named for what they return; changes by their verb: `insert…` a new row, `append…` to
 * an account's audit trail or outbox, `save…` a row that may exist, `set…` one value, `delete…`,
 * `reserve`/`release` seats. Seat counters move only through `reserveSeats` (guarded: taken only
 * if free, so concurrent mutations can never assign more seats than were purchased) and
 * `releaseSeats`.
 */
export interface LicenseBook {
  /** Reads the account (and, on PostgreSQL, locks it: mutations of one account take turns) with what the mutation names. */
  readFirst(wanted: FirstReads): Promise<void>;

  account(accountId: string): Promise<AccountRecord | null>;
  /** Writes a new account at once (its users, audit and events follow in the same transaction). */
  insertAccount(record: AccountRecord): Promise<void>;
  /** Changes the account's terms at once; `account()` answers the new values from then on. */
  updateAccount(
    accountId: string,
    changes: Partial<
      Pick<
        AccountRecord,
        'name' | 'kind' | 'legacyPlan' | 'offeringId' | 'cardOnFile' | 'billingProfileId' | 'suspended'
      >
    >,
  ): Promise<void>;
  user(accountId: string, userId: string): Promise<UserRecord | null>;
  userByEmail(accountId: string, email: string): Promise<UserRecord | null>;
  insertUser(input: Omit<UserRecord, 'id' | 'deactivatedAt'> & { id?: string }): UserRecord;
  updateUser(
    userId: string,
    changes: Partial<Pick<UserRecord, 'displayName' | 'roles' | 'permissions' | 'deactivatedAt'>>,
  ): Promise<void>;
  /** Deletes a user who holds nothing (no licenses, no queues); a retained phone configuration goes too. */
  deleteUser(userId: string): Promise<void>;

  products(productIds: string[]): Promise<CatalogProduct[]>;
  /** The suite, with its products' ids and whether they keep the same seat count. */
  suite(suiteId: string): Promise<CatalogSuite | null>;
  /** What an account with this offering may buy, and at which rates. */
  offering(offeringId: string): Promise<OfferingRecord | null>;

  subscriptions(accountId: string, productIds: string[]): Promise<SubscriptionRecord[]>;
  /** Opens the product's subscription at `unitPriceMinor` in `currency` if the account has none. */
  ensureSubscription(accountId: string, productId: string, unitPriceMinor: number, currency: string): Promise<void>;
  /** Sets the purchased seats; false when that would fall below the seats assigned (a concurrent assignment). */
  setPurchasedSeats(accountId: string, productId: string, total: number): Promise<boolean>;
  /** Takes `count` seats if they are free; throws `onShortage()` otherwise, and the transaction rolls back. */
  reserveSeats(accountId: string, productId: string, count: number, onShortage: () => Error): Promise<void>;
  releaseSeats(accountId: string, productId: string, count: number): Promise<void>;
  /** Products of the account whose purchased or assigned seats this transaction changed. */
  seatsChanged(accountId: string): string[];
  /** The seat counters of the account's products as this transaction sees them now, with their standing notice. */
  seatLevels(accountId: string, productIds: string[]): Promise<SeatLevelRecord[]>;
  setSeatNoticePercent(accountId: string, productId: string, percent: number): Promise<void>;

  /**
   * Reads, for many users at once, what a change about each needs first (the user, their
   * licenses, queue memberships and phone configuration): a bulk change then decides every user
   * from memory, until its first write.
   */
  readUsers(accountId: string, userIds: string[]): Promise<void>;
  assignmentsOfUser(userId: string): Promise<AssignmentRecord[]>;
  holders(
    accountId: string,
    productId: string,
  ): Promise<{ assignmentId: string; userId: string; displayName: string; assignedAt: Date }[]>;
  insertAssignment(input: Omit<AssignmentRecord, 'id'>): AssignmentRecord;
  updateAssignmentFeatures(assignmentId: string, features: Record<string, boolean>): Promise<void>;
  deleteAssignment(assignmentId: string): Promise<void>;

  insertSalesOrder(
    input: Omit<SalesOrderRecord, 'id' | 'state' | 'completedAt' | 'completedBy' | 'cancelledAt' | 'cancelledBy'>,
  ): SalesOrderRecord;
  salesOrder(accountId: string, orderId: string): Promise<SalesOrderRecord | null>;
  /** Marks a pending order completed; false when it was completed already. */
  completeSalesOrder(orderId: string, completedBy: string, at: Date): Promise<boolean>;
  /** Marks a pending order cancelled; false when it is no longer pending. */
  cancelSalesOrder(orderId: string, cancelledBy: string, at: Date): Promise<boolean>;

  insertQuote(record: QuoteRecord): void;
  quote(accountId: string, quoteId: string): Promise<QuoteRecord | null>;
  /** Marks an open quote checked out; false when it was checked out already. */
  checkOutQuote(quoteId: string, at: Date): Promise<boolean>;

  insertQueue(input: Omit<QueueRecord, 'id'>): QueueRecord;
  queue(accountId: string, queueId: string): Promise<QueueRecord | null>;
  queueByName(accountId: string, kind: QueueRecord['kind'], name: string): Promise<QueueRecord | null>;
  membershipsOfUser(accountId: string, userId: string): Promise<MembershipRecord[]>;
  membersOfQueue(queueId: string): Promise<MembershipRecord[]>;
  insertMembership(accountId: string, membership: Omit<MembershipRecord, 'queueKind'>, at: Date): Promise<void>;
  /** Removes the user from one queue, or from every queue; returns how many memberships went. */
  deleteMemberships(accountId: string, userId: string, queueId?: string): Promise<number>;
  renameQueue(queueId: string, name: string): Promise<void>;
  /** Deletes the queue with its memberships. */
  deleteQueue(queueId: string): Promise<void>;

  /** The user's Contact Center billing, when it is on. */
  contactCenterBilling(userId: string): Promise<ContactCenterBillingRecord | null>;
  startContactCenterBilling(record: ContactCenterBillingRecord): Promise<void>;
  stopContactCenterBilling(userId: string): Promise<void>;

  phoneConfiguration(userId: string): Promise<PhoneConfigurationRecord | null>;
  /** The account's configuration, active or retained, that has this extension. */
  phoneConfigurationByExtension(accountId: string, extension: string): Promise<PhoneConfigurationRecord | null>;
  /** Creates or replaces the user's configuration; `retainedUntil` null: active. */
  savePhoneConfiguration(accountId: string, config: PhoneConfigurationRecord): Promise<void>;
  /** Deletes every configuration, of any account, whose retention ended before `now`, and returns them. */
  purgeExpiredPhoneConfigurations(now: Date): Promise<(PhoneConfigurationRecord & { accountId: string })[]>;

  appendAudit(entries: AuditInput[]): void;
  /** The account's last event sequence: 0 while it has never sent an event. */
  eventSequence(accountId: string): Promise<number>;
  /** Appends events to the account's outbox with the account's next sequences (returned). */
  appendEvents(accountId: string, events: OutboxInput[]): Promise<number[]>;

  findIdempotency(accountId: string, key: string): Promise<IdempotencyHit | null>;
  saveIdempotency(accountId: string, key: string, hit: IdempotencyHit, createdAt: Date): void;
}
