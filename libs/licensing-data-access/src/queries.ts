import { raw, type AbstractSqlDriver, type FilterQuery, type SqlEntityManager } from '@mikro-orm/sql';
import {
  Account,
  Assignment,
  AuditEntry,
  Offering,
  OutboxEvent,
  Product,
  Queue,
  QueueMember,
  SalesOrder,
  Subscription,
  Suite,
  User,
} from './models/index.js';
import type {
  AccountRecord,
  AssignmentRecord,
  AuditRecord,
  CatalogProduct,
  CatalogSuite,
  MembershipRecord,
  OfferingRecord,
  OutboxRecord,
  QueueRecord,
  SalesOrderRecord,
  SeatUsageRecord,
  UserRecord,
} from './records.js';
import { toSalesOrderRecord } from './sales-and-contact-center-rows.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

export const toCatalogProduct = (p: Product): CatalogProduct => ({
  id: p.id,
  name: p.name,
  vendor: p.vendor,
  features: p.features,
  suiteId: p.suite?.id ?? null,
  unitPriceMinor: p.unitPriceMinor,
  currency: p.currency,
  billingPeriod: p.billingPeriod,
  billingBasis: p.billingBasis,
});

export const toUserRecord = (u: User): UserRecord => ({
  id: u.id,
  accountId: u.account.id,
  email: u.email,
  displayName: u.displayName,
  roles: u.roles,
  permissions: u.permissions,
  createdAt: u.createdAt,
  deactivatedAt: u.deactivatedAt ?? null,
});

export async function listProducts(em: Em, ids?: string[]): Promise<CatalogProduct[]> {
  const products = await em.find(Product, ids ? { id: ids } : {}, { orderBy: { id: 'asc' } });
  return products.map(toCatalogProduct);
}

export async function listSuites(em: Em): Promise<CatalogSuite[]> {
  // One after the other: inside a libsql transaction there is one connection.
  const suites = await em.find(Suite, {}, { orderBy: { id: 'asc' } });
  const products = await em.find(Product, { suite: { $ne: null } }, { orderBy: { id: 'asc' } });
  return suites.map((s) => ({
    id: s.id,
    name: s.name,
    parityRequired: s.parityRequired,
    productIds: products.filter((p) => p.suite?.id === s.id).map((p) => p.id),
  }));
}

/** Every offering of the catalog, with its prices. */
export async function listOfferings(em: Em): Promise<OfferingRecord[]> {
  const offerings = await em.find(Offering, {}, { orderBy: { id: 'asc' } });
  return offerings.map((o) => ({ id: o.id, name: o.name, prices: o.prices }));
}

export const toAccountRecord = (a: Account): AccountRecord => ({
  id: a.id,
  name: a.name,
  kind: a.kind,
  style: a.style,
  legacyPlan: a.legacyPlan,
  cardOnFile: a.cardOnFile,
  ownerUserId: a.ownerUserId ?? null,
  offeringId: a.offeringId ?? null,
  currency: a.currency,
  billingProfileId: a.billingProfileId ?? null,
  createdAt: a.createdAt,
  suspended: a.suspended,
});

export async function getAccount(em: Em, accountId: string): Promise<AccountRecord | null> {
  // refresh: a transaction's managed entity does not see its own native updates (UpdateAccount).
  const a = await em.findOne(Account, { id: accountId }, { refresh: true });
  return a ? toAccountRecord(a) : null;
}

/** The account's orders, newest first by id (ids grow with time), a page at a time; optionally of one state. */
export async function listSalesOrders(
  em: Em,
  accountId: string,
  filter: { state?: SalesOrderRecord['state'] },
  page: { pageSize: number; pageToken?: string },
): Promise<{ orders: SalesOrderRecord[]; nextPageToken: string | null }> {
  checkPageSize(page.pageSize);
  const before = page.pageToken ? decodeToken(page.pageToken) : null;
  const rows = await em.find(
    SalesOrder,
    {
      account: accountId,
      ...(filter.state ? { state: filter.state } : {}),
      ...(before ? { id: { $lt: before } } : {}),
    },
    { orderBy: { id: 'desc' }, limit: page.pageSize + 1 },
  );
  const orders = rows.slice(0, page.pageSize).map((o) => toSalesOrderRecord(o, accountId));
  return { orders, nextPageToken: rows.length > page.pageSize ? encodeToken(orders.at(-1)!.id) : null };
}

/** Every account, a page at a time in id order (the back office's list; keyset like the users). */
export async function listAccounts(
  em: Em,
  page: { pageSize: number; pageToken?: string },
): Promise<{ accounts: AccountRecord[]; nextPageToken: string | null }> {
  checkPageSize(page.pageSize);
  const after = page.pageToken ? decodeToken(page.pageToken) : null;
  const rows = await em.find(Account, after ? { id: { $gt: after } } : {}, {
    orderBy: { id: 'asc' },
    limit: page.pageSize + 1,
  });
  const accounts = rows.slice(0, page.pageSize).map(toAccountRecord);
  return { accounts, nextPageToken: rows.length > page.pageSize ? encodeToken(accounts.at(-1)!.id) : null };
}

/** Seats per product of an account; pendingFromSales sums its pending sales orders. */
export async function getSeatUsage(em: Em, accountId: string): Promise<SeatUsageRecord[]> {
  const [subscriptions, pending] = await Promise.all([
    em.find(Subscription, { account: accountId }, { orderBy: { product: 'asc' } }),
    em.find(SalesOrder, { account: accountId, state: 'pending' }),
  ]);
  const pendingOf = (productId: string) =>
    pending.filter((o) => o.product.id === productId).reduce((sum, o) => sum + o.quantity, 0);
  return subscriptions.map((s) => ({
    productId: s.product.id,
    purchased: s.purchasedSeats,
    assigned: s.assignedSeats,
    available: s.purchasedSeats - s.assignedSeats,
    pendingFromSales: pendingOf(s.product.id),
  }));
}

/** Queues of an account with their members, optionally of one kind or containing one user. */
export async function listQueues(
  em: Em,
  accountId: string,
  filter: { kind?: QueueRecord['kind']; memberUserId?: string; queueId?: string },
): Promise<(QueueRecord & { members: MembershipRecord[] })[]> {
  const queues = await em.find(
    Queue,
    {
      account: accountId,
      ...(filter.kind ? { kind: filter.kind } : {}),
      ...(filter.queueId ? { id: filter.queueId } : {}),
    },
    { orderBy: { id: 'asc' } },
  );
  const members = await em.find(
    QueueMember,
    { account: accountId, ...(filter.queueId ? { queue: filter.queueId } : {}) },
    { orderBy: { user: 'asc' } },
  );
  return queues
    .map((q) => ({
      id: q.id,
      accountId,
      kind: q.kind,
      name: q.name,
      createdAt: q.createdAt,
      members: members
        .filter((m) => m.queue.id === q.id)
        .map((m) => ({ queueId: q.id, queueKind: q.kind, userId: m.user.id, role: m.role })),
    }))
    .filter((q) => !filter.memberUserId || q.members.some((m) => m.userId === filter.memberUserId));
}

/**
 * What the user `userId` of `accountId` may do, by their record: roles and permissions alone, read
 * by primary key on every authentication the cache does not answer. Null when the account has no
 * such user (whether or not the account or the user exist elsewhere).
 *
 * Plain SQL rather than `em.findOne`: this runs before every mutation (a commit drops the cached
 * grants of its account), and the entity lookup cost the service about 0.5 ms of CPU per call, a
 * sixth of an AssignLicenses (docs/benchmarks.md, Writes); the statement costs under 0.1 ms.
 */
export async function getUserGrants(
  em: Em,
  accountId: string,
  userId: string,
): Promise<Pick<UserRecord, 'roles' | 'permissions'> | null> {
  const [row] = await em.execute<{ roles: unknown; permissions: unknown }[]>(
    // A deactivated user is no user to sign in as.
    'select roles, permissions from app_user where id = ? and account_id = ? and deactivated_at is null',
    [userId, accountId],
  );
  return row ? { roles: jsonList(row.roles), permissions: jsonList(row.permissions) } : null;
}

/** The account's user `userId`, or null. */
export async function getUser(em: Em, accountId: string, userId: string): Promise<UserRecord | null> {
  const user = await em.findOne(User, { id: userId, account: accountId });
  return user ? toUserRecord(user) : null;
}

/** A JSON list column: parsed by the driver on PostgreSQL (jsonb), text on libsql. */
function jsonList(value: unknown): string[] {
  return (typeof value === 'string' ? JSON.parse(value) : value) as string[];
}

/**
 * Keyset pagination by id: stable under concurrent inserts, no OFFSET scans. With `query`, only
 * users whose email or display name contains it, in any case (the same on both databases:
 * lower() and LIKE with the query's own wildcards escaped).
 */
export async function listUsers(
  em: Em,
  accountId: string,
  page: { pageSize: number; pageToken?: string },
  filter: { query?: string } = {},
): Promise<{ users: UserRecord[]; nextPageToken: string | null }> {
  checkPageSize(page.pageSize);
  const after = page.pageToken ? decodeToken(page.pageToken) : null;
  const where: FilterQuery<User> = { account: accountId, ...(after ? { id: { $gt: after } } : {}) };
  if (filter.query) {
    const pattern = `%${filter.query.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
    where.$or = [
      { [raw((alias) => `lower(${alias}.email) like ? escape '!'`, [pattern])]: [] },
      { [raw((alias) => `lower(${alias}.display_name) like ? escape '!'`, [pattern])]: [] },
    ];
  }
  const rows = await em.find(User, where, { orderBy: { id: 'asc' }, limit: page.pageSize + 1 });
  const users = rows.slice(0, page.pageSize).map(toUserRecord);
  return { users, nextPageToken: rows.length > page.pageSize ? encodeToken(users[users.length - 1]!.id) : null };
}

export const toAssignmentRecord = (a: Assignment): AssignmentRecord => ({
  id: a.id,
  accountId: a.account.id,
  userId: a.user.id,
  productId: a.product.id,
  features: a.features,
  createdAt: a.createdAt,
});

/** The account's assignment `assignmentId`, or null. */
export async function getAssignment(em: Em, accountId: string, assignmentId: string): Promise<AssignmentRecord | null> {
  const row = await em.findOne(Assignment, { id: assignmentId, account: accountId });
  return row ? toAssignmentRecord(row) : null;
}

/** Assignments of an account, optionally of one user and/or product, keyset-paged by id. */
export async function listAssignments(
  em: Em,
  accountId: string,
  filter: { userId?: string; productId?: string },
  page: { pageSize: number; pageToken?: string },
): Promise<{ assignments: AssignmentRecord[]; nextPageToken: string | null }> {
  checkPageSize(page.pageSize);
  const after = page.pageToken ? decodeToken(page.pageToken) : null;
  const rows = await em.find(
    Assignment,
    {
      account: accountId,
      ...(filter.userId ? { user: filter.userId } : {}),
      ...(filter.productId ? { product: filter.productId } : {}),
      ...(after ? { id: { $gt: after } } : {}),
    },
    { orderBy: { id: 'asc' }, limit: page.pageSize + 1 },
  );
  const assignments = rows.slice(0, page.pageSize).map(toAssignmentRecord);
  return {
    assignments,
    nextPageToken: rows.length > page.pageSize ? encodeToken(assignments[assignments.length - 1]!.id) : null,
  };
}

/** A page needs at least one row, or "the last row of this page" (the next token) is undefined. */
function checkPageSize(pageSize: number): void {
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
}

/** What a page token may carry: ids are generated (`usr_…`, `asg_…`), never free text. */
const TOKEN_ID = '[A-Za-z0-9_]{1,64}';
/** Latest instant an audit token may name: the end of year 9999, as far as SQL timestamps go everywhere. */
const MAX_TOKEN_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const encodeToken = (id: string) => Buffer.from(`v1:${id}`).toString('base64url');
function decodeToken(token: string): string {
  const match = new RegExp(`^v1:(${TOKEN_ID})$`).exec(Buffer.from(token, 'base64url').toString());
  // An unreadable (or forged) token simply starts from the beginning of an impossible range: no
  // rows. Only an id-shaped value reaches SQL: PostgreSQL refuses text holding U+0000.
  return match ? match[1]! : '\uffff';
}

/** An account's outbox in sequence order (the relay and tests read it). */
export async function listOutbox(em: Em, accountId: string): Promise<OutboxRecord[]> {
  const rows = await em.find(OutboxEvent, { account: accountId }, { orderBy: { sequence: 'asc' } });
  return rows.map((r) => ({
    id: r.id,
    sequence: r.sequence,
    eventType: r.eventType,
    payload: new Uint8Array(r.payload),
    publishedAt: r.publishedAt ?? null,
  }));
}

/**
 * The account's events after `sequence`, oldest first, at most `limit` (by the unique index on
 * account and sequence). Sequences commit in order under the account's row lock, so what is
 * visible has no gaps.
 */
export async function listOutboxAfter(
  em: Em,
  accountId: string,
  sequence: number,
  limit: number,
): Promise<{ sequence: number; payload: Uint8Array }[]> {
  const rows = await em.find(
    OutboxEvent,
    { account: accountId, sequence: { $gt: sequence } },
    { fields: ['sequence', 'payload'], orderBy: { sequence: 'asc' }, limit },
  );
  return rows.map((r) => ({ sequence: r.sequence, payload: new Uint8Array(r.payload) }));
}

/** Newest first, keyset-paged on (occurredAt, id) so concurrent writes never shift a page. */
/** Which audit entries: by resource, actor, request (causation id) and time, [from, to). */
export interface AuditFilter {
  resourceId?: string;
  actor?: string;
  causationId?: string;
  from?: Date;
  to?: Date;
}

export async function listAudit(
  em: Em,
  accountId: string,
  filter: AuditFilter = {},
  page: { pageSize: number; pageToken?: string } = { pageSize: 1000 },
): Promise<{ events: AuditRecord[]; nextPageToken: string | null }> {
  checkPageSize(page.pageSize);
  const cursor = page.pageToken ? decodeAuditToken(page.pageToken) : null;
  const time = {
    ...(filter.from ? { $gte: filter.from } : {}),
    ...(filter.to ? { $lt: filter.to } : {}),
  };
  const rows = await em.find(
    AuditEntry,
    {
      account: accountId,
      ...(filter.resourceId ? { resourceId: filter.resourceId } : {}),
      ...(filter.actor ? { actor: filter.actor } : {}),
      ...(filter.causationId ? { causationId: filter.causationId } : {}),
      ...(filter.from || filter.to ? { $and: [{ occurredAt: time }] } : {}),
      ...(cursor
        ? { $or: [{ occurredAt: { $lt: cursor.at } }, { occurredAt: cursor.at, id: { $lt: cursor.id } }] }
        : {}),
    },
    { orderBy: { occurredAt: 'desc', id: 'desc' }, limit: page.pageSize + 1 },
  );
  const events = rows.slice(0, page.pageSize).map((r) => ({
    id: r.id,
    actor: r.actor,
    action: r.action,
    resourceType: r.resourceType,
    resourceId: r.resourceId,
    before: r.before ?? null,
    after: r.after ?? null,
    causationId: r.causationId,
    occurredAt: r.occurredAt,
  }));
  const last = events[events.length - 1];
  return {
    events,
    nextPageToken:
      rows.length > page.pageSize && last
        ? Buffer.from(`a1:${last.occurredAt.getTime()}:${last.id}`).toString('base64url')
        : null,
  };
}

function decodeAuditToken(token: string): { at: Date; id: string } | null {
  const match = new RegExp(`^a1:(\\d{1,15}):(${TOKEN_ID})$`).exec(Buffer.from(token, 'base64url').toString());
  // An unreadable (or forged) token matches nothing rather than restarting from the top; a time
  // past year 9999 is unreadable too (the database cannot compare it).
  return match && Number(match[1]) <= MAX_TOKEN_TIME_MS
    ? { at: new Date(Number(match[1])), id: match[2]! }
    : { at: new Date(0), id: '' };
}
