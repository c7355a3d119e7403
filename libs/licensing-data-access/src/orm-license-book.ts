import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { traceparentOf } from '@acme/telemetry';
import {
  Account,
  Assignment,
  AuditEntry,
  IdempotencyRecord,
  OutboxEvent,
  PhoneConfiguration,
  Subscription,
  User,
} from './models/index.js';
import { newId } from './ids.js';
import { relayShardOf } from './relay-shard.js';
import type { CatalogCache } from './catalog-cache.js';
import { prefetchOnPostgres } from './tx-prefetch.js';
import type { FirstReads, LicenseBook } from './license-book.js';
import { MutationClock } from './mutation-timing.js';
import type { WriteBatch } from './tx-write-batch.js';
import type {
  AccountRecord,
  AssignmentRecord,
  AuditInput,
  CatalogProduct,
  CatalogSuite,
  ContactCenterBillingRecord,
  IdempotencyHit,
  MembershipRecord,
  OfferingRecord,
  OutboxInput,
  PhoneConfigurationRecord,
  QueueRecord,
  QuoteRecord,
  SalesOrderRecord,
  SeatLevelRecord,
  SubscriptionRecord,
  UserRecord,
} from './records.js';
import { getAccount, listOfferings, listProducts, listSuites, toAssignmentRecord, toUserRecord } from './queries.js';
import * as rows from './sales-and-contact-center-rows.js';
import * as quotes from './quote-rows.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

/**
 * The LicenseBook on MikroORM, for both backends. What differs between them is confined to two
 * PostgreSQL-only helpers: the first reads in one statement (`tx-prefetch.ts`) and the held rows
 * written in one statement at the end (`tx-write-batch.ts`); on libsql every read and write is a
 * plain ORM call. Seat counters move only through guarded updates (`reserveSeats`), so concurrent
 * requests can never push assigned seats above purchased seats, whatever they read before.
 */
export class OrmLicenseBook implements LicenseBook {
  /** Outbox events appended so far in this transaction. */
  appendedEvents = 0;
  /**
   * Accounts this transaction changed. Every change appends an audit entry (or an event) for its
   * account, so those name them all; read caches are invalidated from this after the commit.
   */
  readonly changedAccounts = new Set<string>();
  /** Products whose seat counters this transaction moved, per account (seat-usage notices look at these). */
  private readonly seatCounters = new Map<string, Set<string>>();

  /**
   * What this transaction has read, by query: a mutation asks for the same account or user more
   * than once, and `prefetch` answers most of its first questions in one round trip. Any write
   * forgets it all, so nothing read before a change is served after it.
   */
  private readonly memo = new Map<string, unknown>();
  /** Last event sequence of accounts whose row this transaction locked (see prefetch). */
  private readonly lockedSequences = new Map<string, number>();
  /**
   * Seat levels the prefetch read under the account lock, by `account:product`: valid while only
   * held reservations move them (`seatLevels` adds those); any other counter statement forgets them.
   */
  private readonly lockedLevels = new Map<string, SeatLevelRecord>();
  /**
   * PostgreSQL's id of this transaction once a statement of ours has read it (the prefetch, a
   * write of held rows): what a COMMIT whose answer was lost is resolved by.
   */
  transactionId: string | null = null;
  /** When the prefetch and the committing write went out and were answered (see MutationTiming). */
  readonly clock = new MutationClock();

  constructor(
    private readonly em: Em,
    private readonly options: TxOptions = {},
  ) {}

  /**
   * Reads in one round trip what a mutation about one user usually needs first (PostgreSQL; a
   * no-op elsewhere, where each read simply asks the database).
   */
  async readFirst(wanted: FirstReads): Promise<void> {
    if (!this.options.batch) return;
    this.clock.markPrefetchSent();
    const found = await prefetchOnPostgres(this.em, wanted);
    this.clock.markPrefetchAnswered();
    this.transactionId = found.transactionId;
    this.memo.set(memoKey.account(wanted.accountId), found.account);
    if (found.eventSequence !== null) this.lockedSequences.set(wanted.accountId, found.eventSequence);
    if (wanted.userId !== undefined) {
      this.memo.set(memoKey.user(wanted.accountId, wanted.userId), found.user);
      this.memo.set(memoKey.assignments(wanted.userId), found.assignments);
      this.memo.set(memoKey.memberships(wanted.accountId, wanted.userId), found.memberships);
      this.memo.set(memoKey.phone(wanted.userId), found.phone);
    }
    if (wanted.idempotencyKey)
      this.memo.set(memoKey.idempotency(wanted.accountId, wanted.idempotencyKey), found.idempotency);
    if (wanted.productIds)
      this.memo.set(memoKey.subscriptions(wanted.accountId, wanted.productIds), found.subscriptions);
    for (const level of found.seatLevels ?? []) this.lockedLevels.set(`${wanted.accountId}:${level.productId}`, level);
  }

  /**
   * Ends this mutation's work: writes what the ORM holds, then (PostgreSQL) the held rows and the
   * change notifications in one statement. Nothing of this mutation may run after it: what follows
   * is the COMMIT. Returns PostgreSQL's transaction id, which a COMMIT whose answer was lost is
   * resolved by.
   */
  async finish(): Promise<string | null> {
    await this.em.flush();
    if (!this.options.batch) return null;
    this.clock.markWriteSent();
    this.transactionId = await this.options.batch.write(this.em, [...this.changedAccounts]);
    return this.transactionId;
  }

  account(accountId: string): Promise<AccountRecord | null> {
    return this.read(memoKey.account(accountId), () => getAccount(this.em, accountId));
  }

  async insertAccount(record: AccountRecord): Promise<void> {
    this.changing();
    await this.em.insert(Account, { ...record, eventSequence: 0 });
    this.memo.set(memoKey.account(record.id), record);
  }

  async updateAccount(
    accountId: string,
    changes: Partial<
      Pick<
        AccountRecord,
        'name' | 'kind' | 'legacyPlan' | 'offeringId' | 'cardOnFile' | 'billingProfileId' | 'suspended'
      >
    >,
  ): Promise<void> {
    this.changing();
    await this.em.nativeUpdate(Account, { id: accountId }, changes);
  }

  user(accountId: string, userId: string): Promise<UserRecord | null> {
    return this.read(memoKey.user(accountId, userId), async () => {
      const u = await this.em.findOne(User, { id: userId, account: accountId });
      return u ? toUserRecord(u) : null;
    });
  }

  products(productIds: string[]): Promise<CatalogProduct[]> {
    return this.options.catalog
      ? this.options.catalog.products(productIds, this.em)
      : listProducts(this.em, productIds);
  }

  async suite(suiteId: string): Promise<CatalogSuite | null> {
    if (this.options.catalog) return this.options.catalog.suite(suiteId, this.em);
    return (await listSuites(this.em)).find((s) => s.id === suiteId) ?? null;
  }

  async offering(offeringId: string): Promise<OfferingRecord | null> {
    if (this.options.catalog) return this.options.catalog.offering(offeringId, this.em);
    return (await listOfferings(this.em)).find((o) => o.id === offeringId) ?? null;
  }

  subscriptions(accountId: string, productIds: string[]): Promise<SubscriptionRecord[]> {
    return this.read(memoKey.subscriptions(accountId, productIds), async () => {
      const rows = await this.em.find(Subscription, { account: accountId, product: productIds });
      return rows.map((s) => ({
        productId: s.product.id,
        purchased: s.purchasedSeats,
        assigned: s.assignedSeats,
        unitPriceMinor: s.unitPriceMinor,
        currency: s.currency,
      }));
    });
  }

  async readUsers(accountId: string, userIds: string[]): Promise<void> {
    await this.writeHeld();
    // One after the other: inside a libsql transaction there is one connection.
    const users = await this.em.find(User, { id: userIds, account: accountId });
    const assignments = await this.em.find(
      Assignment,
      { user: userIds, account: accountId },
      { orderBy: { product: 'asc' } },
    );
    const memberships = await rows.membershipsOfUsers(this.em, accountId, userIds);
    const phones = await rows.findPhoneConfigurations(this.em, userIds);
    const usersById = new Map(users.map((u) => [u.id, toUserRecord(u)]));
    const held = Map.groupBy(assignments.map(toAssignmentRecord), (a) => a.userId);
    // Answers as user(), assignmentsOfUser(), membershipsOfUser() and phoneConfiguration() would.
    for (const userId of userIds) {
      this.memo.set(memoKey.user(accountId, userId), usersById.get(userId) ?? null);
      this.memo.set(memoKey.assignments(userId), held.get(userId) ?? []);
      this.memo.set(memoKey.memberships(accountId, userId), memberships.get(userId) ?? []);
      this.memo.set(memoKey.phone(userId), phones.get(userId) ?? null);
    }
  }

  assignmentsOfUser(userId: string): Promise<AssignmentRecord[]> {
    return this.read(memoKey.assignments(userId), async () =>
      (await this.em.find(Assignment, { user: userId }, { orderBy: { product: 'asc' } })).map(toAssignmentRecord),
    );
  }

  /** A read answered from what this transaction already read, or from the database. */
  private async read<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    // Rows held for the end of the transaction go first, so a read sees this transaction's writes.
    await this.writeHeld();
    const value = await load();
    this.memo.set(key, value);
    return value;
  }

  /** Every write goes through here first: what was read before may no longer hold. */
  private changing(): void {
    this.memo.clear();
  }

  /**
   * Takes `count` seats if they are free, and throws `onShortage()` otherwise (the transaction
   * then rolls back whole). On PostgreSQL the guarded update travels with the transaction's
   * appended rows (see WriteBatch.reserveSeats), so the shortage may surface at the next write or
   * read, at the latest when the transaction finishes.
   */
  async reserveSeats(accountId: string, productId: string, count: number, onShortage: () => Error): Promise<void> {
    this.changing();
    this.movedSeats(accountId, productId);
    if (this.options.batch) return this.options.batch.reserveSeats(accountId, productId, count, onShortage);
    this.forgetLevel(accountId, productId);
    const result = await this.em.execute(
      'update subscription set assigned_seats = assigned_seats + ? where account_id = ? and product_id = ? and assigned_seats + ? <= purchased_seats',
      [count, accountId, productId, count],
      'run',
    );
    if ((result as unknown as { affectedRows: number }).affectedRows !== 1) throw onShortage();
  }

  /**
   * Writes what is held for the end of the transaction now, so that what follows sees it (and its
   * seat checks are done). Every statement on a table with held rows (assignment, subscription:
   * the reads through `read`, and the direct statements below) calls it first, but `seatLevels`,
   * which adds the held seats itself; the other tables' statements never meet held rows.
   */
  async writeHeld(): Promise<void> {
    if (!this.options.batch || this.options.batch.isEmpty) return;
    await this.em.flush();
    this.transactionId = await this.options.batch.write(this.em, []);
  }

  async releaseSeats(accountId: string, productId: string, count: number): Promise<void> {
    this.changing();
    this.movedSeats(accountId, productId);
    this.forgetLevel(accountId, productId);
    await this.writeHeld();
    const result = await this.em.execute(
      'update subscription set assigned_seats = assigned_seats - ? where account_id = ? and product_id = ? and assigned_seats >= ?',
      [count, accountId, productId, count],
      'run',
    );
    if ((result as unknown as { affectedRows: number }).affectedRows !== 1)
      throw new Error(`seat counter of ${accountId}/${productId} would go below zero`);
  }

  seatsChanged(accountId: string): string[] {
    return [...(this.seatCounters.get(accountId) ?? [])];
  }

  /**
   * The seat levels of products after this transaction's changes. Seats held for its end are
   * added here rather than flushed first (if they are not free then, the transaction fails whole,
   * levels and all). A product whose counters the prefetch read under the account lock, and which
   * only held reservations moved since, is answered from that read: AssignLicenses then reports
   * thresholds without a statement of its own.
   */
  async seatLevels(accountId: string, productIds: string[]): Promise<SeatLevelRecord[]> {
    const held = (productId: string) => this.options.batch?.heldSeats(accountId, productId) ?? 0;
    const known = productIds.flatMap((id) => this.lockedLevels.get(`${accountId}:${id}`) ?? []);
    const unknown = productIds.filter((id) => !this.lockedLevels.has(`${accountId}:${id}`));
    const rows =
      unknown.length === 0
        ? []
        : ((await this.em.execute(
            `select product_id, purchased_seats, assigned_seats, seat_notice_percent from subscription where account_id = ? and product_id in (${unknown.map(() => '?').join(', ')})`,
            [accountId, ...unknown],
            'all',
          )) as { product_id: string; purchased_seats: number; assigned_seats: number; seat_notice_percent: number }[]);
    const read = rows.map((r) => ({
      productId: r.product_id,
      purchased: Number(r.purchased_seats),
      assigned: Number(r.assigned_seats),
      noticePercent: Number(r.seat_notice_percent),
    }));
    return [...known, ...read]
      .map((level) => ({ ...level, assigned: level.assigned + held(level.productId) }))
      .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
  }

  /** A statement moved a product's counters or notice: what the prefetch read of it no longer holds. */
  private forgetLevel(accountId: string, productId: string): void {
    this.lockedLevels.delete(`${accountId}:${productId}`);
  }

  async setSeatNoticePercent(accountId: string, productId: string, percent: number): Promise<void> {
    this.changing();
    this.forgetLevel(accountId, productId);
    await this.writeHeld();
    await this.em.execute(
      'update subscription set seat_notice_percent = ? where account_id = ? and product_id = ?',
      [percent, accountId, productId],
      'run',
    );
  }

  private movedSeats(accountId: string, productId: string): void {
    let products = this.seatCounters.get(accountId);
    if (!products) this.seatCounters.set(accountId, (products = new Set()));
    products.add(productId);
  }

  async updateUser(
    userId: string,
    changes: Partial<Pick<UserRecord, 'displayName' | 'roles' | 'permissions' | 'deactivatedAt'>>,
  ): Promise<void> {
    this.changing();
    await this.em.nativeUpdate(User, { id: userId }, changes);
  }

  /** Deletes the user's row and what hangs on it (a retained phone configuration); the audit stays. */
  async deleteUser(userId: string): Promise<void> {
    this.changing();
    await this.em.nativeDelete(PhoneConfiguration, { user: userId });
    await this.em.nativeDelete(User, { id: userId });
  }

  insertUser(input: Omit<UserRecord, 'id' | 'deactivatedAt'> & { id?: string }): UserRecord {
    this.changing();
    const record: UserRecord = { ...input, id: input.id ?? newId('usr'), deactivatedAt: null };
    this.em.create(User, {
      id: record.id,
      account: input.accountId,
      email: input.email,
      displayName: input.displayName,
      roles: input.roles,
      permissions: input.permissions,
      createdAt: input.createdAt,
      deactivatedAt: null,
    });
    return record;
  }

  insertAssignment(input: Omit<AssignmentRecord, 'id'>): AssignmentRecord {
    this.changing();
    const record = { ...input, id: newId('asg') };
    const row = {
      id: record.id,
      account: input.accountId,
      user: input.userId,
      product: input.productId,
      features: input.features,
      createdAt: input.createdAt,
    };
    if (this.options.batch) this.options.batch.addAssignment(row);
    else this.em.create(Assignment, row);
    return record;
  }

  async updateAssignmentFeatures(assignmentId: string, features: Record<string, boolean>): Promise<void> {
    this.changing();
    await this.writeHeld();
    await this.em.nativeUpdate(Assignment, { id: assignmentId }, { features });
  }

  async userByEmail(accountId: string, email: string): Promise<UserRecord | null> {
    const u = await this.em.findOne(User, { account: accountId, email });
    return u ? toUserRecord(u) : null;
  }

  /** Users holding a seat of a product, with what downgrade orders need. */
  async holders(
    accountId: string,
    productId: string,
  ): Promise<{ assignmentId: string; userId: string; displayName: string; assignedAt: Date }[]> {
    await this.writeHeld();
    const rows = await this.em.find(
      Assignment,
      { account: accountId, product: productId },
      { populate: ['user'], orderBy: { id: 'asc' } },
    );
    return rows.map((a) => ({
      assignmentId: a.id,
      userId: a.user.id,
      displayName: a.user.displayName,
      assignedAt: a.createdAt,
    }));
  }

  /** Creates the subscription at the given rate when the account has none for the product. */
  async ensureSubscription(
    accountId: string,
    productId: string,
    unitPriceMinor: number,
    currency: string,
  ): Promise<void> {
    this.changing();
    await this.writeHeld();
    if (await this.em.findOne(Subscription, { account: accountId, product: productId })) return;
    this.em.create(Subscription, {
      id: `sub_${accountId.slice(5)}_${productId}`,
      account: accountId,
      product: productId,
      purchasedSeats: 0,
      assignedSeats: 0,
      unitPriceMinor,
      currency,
    });
    await this.em.flush();
  }

  /**
   * Sets purchased seats, guarded so it can never fall below the seats in use (a concurrent
   * assignment wins and this returns false).
   */
  async setPurchasedSeats(accountId: string, productId: string, total: number): Promise<boolean> {
    this.changing();
    this.movedSeats(accountId, productId);
    this.forgetLevel(accountId, productId);
    await this.writeHeld();
    const result = await this.em.execute(
      'update subscription set purchased_seats = ? where account_id = ? and product_id = ? and assigned_seats <= ?',
      [total, accountId, productId, total],
      'run',
    );
    return (result as unknown as { affectedRows: number }).affectedRows === 1;
  }

  insertSalesOrder(
    input: Omit<SalesOrderRecord, 'id' | 'state' | 'completedAt' | 'completedBy' | 'cancelledAt' | 'cancelledBy'>,
  ): SalesOrderRecord {
    this.changing();
    return rows.insertSalesOrder(this.em, input);
  }

  salesOrder(accountId: string, orderId: string): Promise<SalesOrderRecord | null> {
    return rows.findSalesOrder(this.em, accountId, orderId);
  }

  /** Completes a pending order exactly once; false when it was already completed. */
  completeSalesOrder(orderId: string, completedBy: string, at: Date): Promise<boolean> {
    this.changing();
    return rows.completeSalesOrder(this.em, orderId, completedBy, at);
  }

  cancelSalesOrder(orderId: string, cancelledBy: string, at: Date): Promise<boolean> {
    this.changing();
    return rows.cancelSalesOrder(this.em, orderId, cancelledBy, at);
  }

  insertQuote(record: QuoteRecord): void {
    this.changing();
    quotes.insertQuote(this.em, record);
  }

  quote(accountId: string, quoteId: string): Promise<QuoteRecord | null> {
    return quotes.findQuote(this.em, accountId, quoteId);
  }

  checkOutQuote(quoteId: string, at: Date): Promise<boolean> {
    this.changing();
    return quotes.checkOutQuote(this.em, quoteId, at);
  }

  insertQueue(input: Omit<QueueRecord, 'id'>): QueueRecord {
    this.changing();
    return rows.insertQueue(this.em, input);
  }

  queue(accountId: string, queueId: string): Promise<QueueRecord | null> {
    return rows.findQueue(this.em, accountId, { id: queueId });
  }

  queueByName(accountId: string, kind: QueueRecord['kind'], name: string): Promise<QueueRecord | null> {
    return rows.findQueue(this.em, accountId, { kind, name });
  }

  /** Every queue membership of a user, across call, inbound and outbound queues. */
  membershipsOfUser(accountId: string, userId: string): Promise<MembershipRecord[]> {
    return this.read(memoKey.memberships(accountId, userId), () => rows.membershipsOfUser(this.em, accountId, userId));
  }

  membersOfQueue(queueId: string): Promise<MembershipRecord[]> {
    return rows.membersOfQueue(this.em, queueId);
  }

  insertMembership(accountId: string, membership: Omit<MembershipRecord, 'queueKind'>, at: Date): Promise<void> {
    this.changing();
    return rows.insertMembership(this.em, accountId, membership, at);
  }

  deleteMemberships(accountId: string, userId: string, queueId?: string): Promise<number> {
    this.changing();
    return rows.deleteMemberships(this.em, accountId, userId, queueId);
  }

  renameQueue(queueId: string, name: string): Promise<void> {
    this.changing();
    return rows.renameQueue(this.em, queueId, name);
  }

  deleteQueue(queueId: string): Promise<void> {
    this.changing();
    return rows.deleteQueue(this.em, queueId);
  }

  contactCenterBilling(userId: string): Promise<ContactCenterBillingRecord | null> {
    return rows.findContactCenterBilling(this.em, userId);
  }

  startContactCenterBilling(record: ContactCenterBillingRecord): Promise<void> {
    this.changing();
    return rows.startContactCenterBilling(this.em, record);
  }

  stopContactCenterBilling(userId: string): Promise<void> {
    this.changing();
    return rows.stopContactCenterBilling(this.em, userId);
  }

  phoneConfiguration(userId: string): Promise<PhoneConfigurationRecord | null> {
    return this.read(memoKey.phone(userId), () => rows.findPhoneConfiguration(this.em, userId));
  }

  /** Creates or replaces the user's phone configuration (active, not retained). */
  phoneConfigurationByExtension(accountId: string, extension: string): Promise<PhoneConfigurationRecord | null> {
    return this.read(memoKey.extension(accountId, extension), () =>
      rows.findPhoneConfigurationByExtension(this.em, accountId, extension),
    );
  }

  savePhoneConfiguration(accountId: string, config: PhoneConfigurationRecord): Promise<void> {
    this.changing();
    return rows.savePhoneConfiguration(this.em, accountId, config);
  }

  /** Deletes retained configurations whose window ended at or before `now`; returns them. */
  purgeExpiredPhoneConfigurations(now: Date): Promise<(PhoneConfigurationRecord & { accountId: string })[]> {
    this.changing();
    return rows.purgeExpiredPhoneConfigurations(this.em, now);
  }

  /**
   * Deletes an assignment read earlier in this transaction. If a concurrent transaction removed
   * it first, the seat was already given back: this one must start over on fresh data rather
   * than give it back twice.
   */
  async deleteAssignment(assignmentId: string): Promise<void> {
    this.changing();
    await this.writeHeld();
    if ((await this.em.nativeDelete(Assignment, { id: assignmentId })) !== 1)
      throw new ConcurrentChangeError(`assignment ${assignmentId} changed concurrently`);
  }

  appendAudit(entries: AuditInput[]): void {
    this.changing();
    for (const e of entries) {
      this.changedAccounts.add(e.accountId);
      const row = {
        id: newId('aud'),
        account: e.accountId,
        actor: e.actor,
        action: e.action,
        resourceType: e.resourceType,
        resourceId: e.resourceId,
        before: e.before,
        after: e.after,
        causationId: e.causationId,
        occurredAt: e.occurredAt,
      };
      if (this.options.batch) this.options.batch.addAudit(row);
      else this.em.create(AuditEntry, row);
    }
  }

  /**
   * Appends events with the next per-account sequence numbers. The counter update takes the
   * account row lock until commit, so an account's sequences commit in order without gaps.
   */
  async eventSequence(accountId: string): Promise<number> {
    const locked = this.lockedSequences.get(accountId);
    if (locked !== undefined) return locked;
    const rows = (await this.em.execute('select event_sequence from account where id = ?', [accountId], 'all')) as {
      event_sequence: number;
    }[];
    return Number(rows[0]?.event_sequence ?? 0);
  }

  async appendEvents(accountId: string, events: OutboxInput[]): Promise<number[]> {
    if (events.length === 0) return [];
    this.changing();
    const last = await this.advanceSequence(accountId, events.length);
    const first = last - events.length + 1;
    const relayShard = relayShardOf(accountId);
    // The call's trace continues from the event: the relay's publish and the consumer join it.
    const traceParent = traceparentOf();
    this.appendedEvents += events.length;
    this.changedAccounts.add(accountId);
    return events.map((event, i) => {
      const sequence = first + i;
      const row = {
        id: event.eventId,
        account: accountId,
        sequence,
        relayShard,
        eventType: event.eventType,
        payload: Buffer.from(event.payload(sequence)),
        occurredAt: event.occurredAt,
        publishedAt: null,
        traceParent,
      };
      if (this.options.batch) this.options.batch.addOutboxEvent(row);
      else this.em.create(OutboxEvent, row);
      return sequence;
    });
  }

  /**
   * Moves the account's event sequence on by `count` and returns the new last one. Under the lock
   * taken by prefetch, the new value is written with the appended rows; otherwise the counter
   * update here takes the account row lock until commit. Either way an account's sequences
   * commit in order without gaps.
   */
  private async advanceSequence(accountId: string, count: number): Promise<number> {
    const locked = this.lockedSequences.get(accountId);
    if (locked !== undefined && this.options.batch) {
      this.lockedSequences.set(accountId, locked + count);
      this.options.batch.advanceSequence(accountId, locked + count);
      return locked + count;
    }
    const rows = (await this.em.execute(
      'update account set event_sequence = event_sequence + ? where id = ? returning event_sequence',
      [count, accountId],
      'all',
    )) as { event_sequence: number }[];
    const last = Number(rows[0]?.event_sequence);
    if (!Number.isFinite(last)) throw new Error(`account ${accountId} vanished while appending events`);
    return last;
  }

  findIdempotency(accountId: string, key: string): Promise<IdempotencyHit | null> {
    return this.read(memoKey.idempotency(accountId, key), async () => {
      const row = await this.em.findOne(IdempotencyRecord, { id: `${accountId}:${key}` });
      return row ? { method: row.method, requestHash: row.requestHash, response: new Uint8Array(row.response) } : null;
    });
  }

  saveIdempotency(accountId: string, key: string, hit: IdempotencyHit, createdAt: Date): void {
    this.changing();
    const row = {
      id: `${accountId}:${key}`,
      method: hit.method,
      requestHash: hit.requestHash,
      response: Buffer.from(hit.response),
      createdAt,
    };
    if (this.options.batch) this.options.batch.addIdempotency(row);
    else this.em.create(IdempotencyRecord, row);
  }
}

/** How a transaction reaches the database beyond its entity manager. */
export interface TxOptions {
  /** PostgreSQL: appended rows are held and written in one statement (see WriteBatch). */
  batch?: WriteBatch;
  /** Products from memory instead of the database (see CatalogCache). */
  catalog?: CatalogCache;
}

/** The transaction memo's key of each read, shared by `prefetch` (which fills it) and the reads. */
const memoKey = {
  account: (accountId: string) => `account:${accountId}`,
  user: (accountId: string, userId: string) => `user:${accountId}:${userId}`,
  assignments: (userId: string) => `assignments:${userId}`,
  memberships: (accountId: string, userId: string) => `memberships:${accountId}:${userId}`,
  phone: (userId: string) => `phone:${userId}`,
  extension: (accountId: string, extension: string) => `extension:${accountId}:${extension}`,
  idempotency: (accountId: string, key: string) => `idempotency:${accountId}:${key}`,
  subscriptions: (accountId: string, productIds: string[]) =>
    `subscriptions:${accountId}:${[...productIds].sort().join(',')}`,
};

/** What a transaction read has changed under it; the whole transaction is retried. */
export class ConcurrentChangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConcurrentChangeError';
  }
}

/** Thrown inside a transaction to roll it back on purpose (validate_only dry runs). */
export class RollbackSignal<T> extends Error {
  constructor(readonly value: T) {
    super('rolled back on purpose');
  }
}
