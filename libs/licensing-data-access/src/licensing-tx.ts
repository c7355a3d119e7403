
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { Assignment, AuditEntry, IdempotencyRecord, OutboxEvent, PhoneConfiguration, Product, Queue, QueueMember, SalesOrder, Subscription, User } from './models/index.js';
import { newId } from './ids.js';
import { relayShardOf } from './relay-shard.js';
import type { AccountRecord, CatalogProduct, UserRecord } from './records.js';
import { getAccount, listProducts, toCatalogProduct, toUserRecord, type AuditRecord } from './queries.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

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
  state: 'pending' | 'completed';
  note: string;
  requestedBy: string;
  createdAt: Date;
  completedAt: Date | null;
  completedBy: string | null;
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

export interface PhoneConfigurationRecord {
  userId: string;
  productId: string;
  settings: Record<string, boolean>;
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

/**
 * What one licensing mutation may do inside its transaction, in plain types. Seat counters move
 * only through guarded updates (`reserveSeats`), so concurrent requests can never push
 * assigned seats above purchased seats, whatever they read before.
 */
export class LicensingTx {
  /** Outbox events appended so far in this transaction. */
  appendedEvents = 0;
  /**
   * Accounts this transaction changed. Every change appends an audit entry (or an event) for its
   * account, so those name them all; read caches are invalidated from this after the commit.
   */
  readonly changedAccounts = new Set<string>();

  constructor(private readonly em: Em) {}

  account(accountId: string): Promise<AccountRecord | null> {
    return getAccount(this.em, accountId);
  }

  async user(accountId: string, userId: string): Promise<UserRecord | null> {
    const u = await this.em.findOne(User, { id: userId, account: accountId });
    return u ? toUserRecord(u) : null;
  }

  products(productIds: string[]): Promise<CatalogProduct[]> {
    return listProducts(this.em, productIds);
  }

  /** Every product of a suite, ordered by id. */
  async suiteProducts(suiteId: string): Promise<CatalogProduct[]> {
    return (await this.em.find(Product, { suite: suiteId }, { orderBy: { id: 'asc' } })).map(toCatalogProduct);
  }

  async subscriptions(accountId: string, productIds: string[]): Promise<SubscriptionRecord[]> {
    const rows = await this.em.find(Subscription, { account: accountId, product: productIds });
    return rows.map((s) => ({ productId: s.product.id, purchased: s.purchasedSeats, assigned: s.assignedSeats, unitPriceMinor: s.unitPriceMinor, currency: s.currency }));
  }

  async assignmentsOfUser(userId: string): Promise<AssignmentRecord[]> {
    const rows = await this.em.find(Assignment, { user: userId }, { orderBy: { product: 'asc' } });
    return rows.map(toAssignmentRecord);
  }

  /** Takes `count` seats if they are free; false (and nothing changed) otherwise. */
  async reserveSeats(accountId: string, productId: string, count: number): Promise<boolean> {
    const result = await this.em.execute(
      'update subscription set assigned_seats = assigned_seats + ? where account_id = ? and product_id = ? and assigned_seats + ? <= purchased_seats',
      [count, accountId, productId, count],
      'run',
    );
    return (result as unknown as { affectedRows: number }).affectedRows === 1;
  }

  async releaseSeats(accountId: string, productId: string, count: number): Promise<void> {
    const result = await this.em.execute(
      'update subscription set assigned_seats = assigned_seats - ? where account_id = ? and product_id = ? and assigned_seats >= ?',
      [count, accountId, productId, count],
      'run',
    );
    if ((result as unknown as { affectedRows: number }).affectedRows !== 1) throw new Error(`seat counter of ${accountId}/${productId} would go below zero`);
  }

  insertUser(input: Omit<UserRecord, 'id'> & { id?: string }): UserRecord {
    const record = { ...input, id: input.id ?? newId('usr') };
    this.em.create(User, { id: record.id, account: input.accountId, email: input.email, displayName: input.displayName, roles: input.roles, permissions: input.permissions, createdAt: input.createdAt });
    return record;
  }

  insertAssignment(input: Omit<AssignmentRecord, 'id'>): AssignmentRecord {
    const record = { ...input, id: newId('asg') };
    this.em.create(Assignment, { id: record.id, account: input.accountId, user: input.userId, product: input.productId, features: input.features, createdAt: input.createdAt });
    return record;
  }

  async updateAssignmentFeatures(assignmentId: string, features: Record<string, boolean>): Promise<void> {
    await this.em.nativeUpdate(Assignment, { id: assignmentId }, { features });
  }

  async userByEmail(accountId: string, email: string): Promise<UserRecord | null> {
    const u = await this.em.findOne(User, { account: accountId, email });
    return u ? toUserRecord(u) : null;
  }

  /** Users holding a seat of a product, with what downgrade orders need. */
  async holders(accountId: string, productId: string): Promise<{ assignmentId: string; userId: string; displayName: string; assignedAt: Date }[]> {
    const rows = await this.em.find(Assignment, { account: accountId, product: productId }, { populate: ['user'], orderBy: { id: 'asc' } });
    return rows.map((a) => ({ assignmentId: a.id, userId: a.user.id, displayName: a.user.displayName, assignedAt: a.createdAt }));
  }

  /** Creates the subscription at the given rate when the account has none for the product. */
  async ensureSubscription(accountId: string, productId: string, unitPriceMinor: number, currency: string): Promise<void> {
    if (await this.em.findOne(Subscription, { account: accountId, product: productId })) return;
    this.em.create(Subscription, { id: `sub_${accountId.slice(5)}_${productId}`, account: accountId, product: productId, purchasedSeats: 0, assignedSeats: 0, unitPriceMinor, currency });
    await this.em.flush();
  }

  /**
   * Sets purchased seats, guarded so it can never fall below the seats in use (a concurrent
   * assignment wins and this returns false).
   */
  async setPurchasedSeats(accountId: string, productId: string, total: number): Promise<boolean> {
    const result = await this.em.execute(
      'update subscription set purchased_seats = ? where account_id = ? and product_id = ? and assigned_seats <= ?',
      [total, accountId, productId, total],
      'run',
    );
    return (result as unknown as { affectedRows: number }).affectedRows === 1;
  }

  insertSalesOrder(input: Omit<SalesOrderRecord, 'id' | 'state' | 'completedAt' | 'completedBy'>): SalesOrderRecord {
    const record: SalesOrderRecord = { ...input, id: newId('so'), state: 'pending', completedAt: null, completedBy: null };
    const { accountId, productId, ...rest } = record;
    this.em.create(SalesOrder, { ...rest, account: accountId, product: productId });
    return record;
  }

  async salesOrder(accountId: string, orderId: string): Promise<SalesOrderRecord | null> {
    const o = await this.em.findOne(SalesOrder, { id: orderId, account: accountId });
    return o
      ? { id: o.id, accountId, productId: o.product.id, quantity: o.quantity, state: o.state, note: o.note, requestedBy: o.requestedBy, createdAt: o.createdAt, completedAt: o.completedAt ?? null, completedBy: o.completedBy ?? null }
      : null;
  }

  /** Completes a pending order exactly once; false when it was already completed. */
  async completeSalesOrder(orderId: string, completedBy: string, at: Date): Promise<boolean> {
    const changed = await this.em.nativeUpdate(SalesOrder, { id: orderId, state: 'pending' }, { state: 'completed', completedBy, completedAt: at });
    return changed === 1;
  }

  insertQueue(input: Omit<QueueRecord, 'id'>): QueueRecord {
    const record = { ...input, id: newId('q') };
    this.em.create(Queue, { id: record.id, account: input.accountId, kind: input.kind, name: input.name, createdAt: input.createdAt });
    return record;
  }

  async queue(accountId: string, queueId: string): Promise<QueueRecord | null> {
    const q = await this.em.findOne(Queue, { id: queueId, account: accountId });
    return q ? { id: q.id, accountId, kind: q.kind, name: q.name, createdAt: q.createdAt } : null;
  }

  async queueByName(accountId: string, kind: QueueRecord['kind'], name: string): Promise<QueueRecord | null> {
    const q = await this.em.findOne(Queue, { account: accountId, kind, name });
    return q ? { id: q.id, accountId, kind: q.kind, name: q.name, createdAt: q.createdAt } : null;
  }

  /** Every queue membership of a user, across call, inbound and outbound queues. */
  async membershipsOfUser(accountId: string, userId: string): Promise<MembershipRecord[]> {
    const rows = await this.em.find(QueueMember, { account: accountId, user: userId }, { populate: ['queue'], orderBy: { queue: 'asc' } });
    return rows.map((m) => ({ queueId: m.queue.id, queueKind: m.queue.kind, userId, role: m.role }));
  }

  async membersOfQueue(queueId: string): Promise<MembershipRecord[]> {
    const rows = await this.em.find(QueueMember, { queue: queueId }, { populate: ['queue'], orderBy: { user: 'asc' } });
    return rows.map((m) => ({ queueId, queueKind: m.queue.kind, userId: m.user.id, role: m.role }));
  }

  async insertMembership(accountId: string, membership: Omit<MembershipRecord, 'queueKind'>, at: Date): Promise<void> {
    this.em.create(QueueMember, { id: newId('qm'), account: accountId, queue: membership.queueId, user: membership.userId, role: membership.role, createdAt: at });
    await this.em.flush();
  }

  async deleteMemberships(accountId: string, userId: string, queueId?: string): Promise<number> {
    return this.em.nativeDelete(QueueMember, { account: accountId, user: userId, ...(queueId ? { queue: queueId } : {}) });
  }

  async phoneConfiguration(userId: string): Promise<PhoneConfigurationRecord | null> {
    const c = await this.em.findOne(PhoneConfiguration, { user: userId });
    return c ? { userId, productId: c.productId, settings: c.settings, retainedUntil: c.retainedUntil ?? null } : null;
  }

  /** Creates or replaces the user's phone configuration (active, not retained). */
  async savePhoneConfiguration(accountId: string, config: Omit<PhoneConfigurationRecord, 'retainedUntil'>): Promise<void> {
    const existing = await this.em.findOne(PhoneConfiguration, { user: config.userId });
    if (existing) this.em.assign(existing, { productId: config.productId, settings: config.settings, retainedUntil: null });
    else this.em.create(PhoneConfiguration, { id: `pc_${config.userId.slice(4)}`, account: accountId, user: config.userId, productId: config.productId, settings: config.settings, retainedUntil: null });
    await this.em.flush();
  }

  async setPhoneConfigurationRetention(userId: string, retainedUntil: Date | null): Promise<void> {
    await this.em.nativeUpdate(PhoneConfiguration, { user: userId }, { retainedUntil });
  }

  /** Deletes retained configurations whose window ended at or before `now`; returns them. */
  async purgeExpiredPhoneConfigurations(now: Date): Promise<(PhoneConfigurationRecord & { accountId: string })[]> {
    const expired = await this.em.find(PhoneConfiguration, { retainedUntil: { $lte: now } });
    if (expired.length > 0) await this.em.nativeDelete(PhoneConfiguration, { id: expired.map((c) => c.id) });
    return expired.map((c) => ({ accountId: c.account.id, userId: c.user.id, productId: c.productId, settings: c.settings, retainedUntil: c.retainedUntil ?? null }));
  }

  /**
   * Deletes an assignment read earlier in this transaction. If a concurrent transaction removed
   * it first, the seat was already given back: this one must start over on fresh data rather
   * than give it back twice.
   */
  async deleteAssignment(assignmentId: string): Promise<void> {
    if ((await this.em.nativeDelete(Assignment, { id: assignmentId })) !== 1) throw new ConcurrentChangeError(`assignment ${assignmentId} changed concurrently`);
  }

  appendAudit(entries: AuditInput[]): void {
    for (const e of entries) {
      this.changedAccounts.add(e.accountId);
      this.em.create(AuditEntry, {
        id: newId('aud'), account: e.accountId, actor: e.actor, action: e.action, resourceType: e.resourceType, resourceId: e.resourceId,
        before: e.before, after: e.after, causationId: e.causationId, occurredAt: e.occurredAt,
      });
    }
  }

  /**
   * Appends events with the next per-account sequence numbers. The counter update takes the
   * account row lock until commit, so an account's sequences commit in order without gaps.
   */
  async appendEvents(accountId: string, events: OutboxInput[]): Promise<number[]> {
    if (events.length === 0) return [];
    const rows = (await this.em.execute('update account set event_sequence = event_sequence + ? where id = ? returning event_sequence', [events.length, accountId], 'all')) as { event_sequence: number }[];
    const last = Number(rows[0]?.event_sequence);
    if (!Number.isFinite(last)) throw new Error(`account ${accountId} vanished while appending events`);
    const first = last - events.length + 1;
    const relayShard = relayShardOf(accountId);
    this.appendedEvents += events.length;
    this.changedAccounts.add(accountId);
    return events.map((event, i) => {
      const sequence = first + i;
      this.em.create(OutboxEvent, { id: event.eventId, account: accountId, sequence, relayShard, eventType: event.eventType, payload: Buffer.from(event.payload(sequence)), occurredAt: event.occurredAt, publishedAt: null });
      return sequence;
    });
  }

  async findIdempotency(accountId: string, key: string): Promise<IdempotencyHit | null> {
    const row = await this.em.findOne(IdempotencyRecord, { id: `${accountId}:${key}` });
    return row ? { method: row.method, requestHash: row.requestHash, response: new Uint8Array(row.response) } : null;
  }

  saveIdempotency(accountId: string, key: string, hit: IdempotencyHit, createdAt: Date): void {
    this.em.create(IdempotencyRecord, { id: `${accountId}:${key}`, method: hit.method, requestHash: hit.requestHash, response: Buffer.from(hit.response), createdAt });
  }
}

function toAssignmentRecord(a: Assignment): AssignmentRecord {
  return { id: a.id, accountId: a.account.id, userId: a.user.id, productId: a.product.id, features: a.features, createdAt: a.createdAt };
}

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

