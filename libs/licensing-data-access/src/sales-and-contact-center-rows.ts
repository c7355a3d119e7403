import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { newId } from './ids.js';
import { ContactCenterBilling, PhoneConfiguration, Queue, QueueMember, SalesOrder } from './models/index.js';
import type {
  ContactCenterBillingRecord,
  MembershipRecord,
  PhoneConfigurationRecord,
  QueueRecord,
  SalesOrderRecord,
} from './records.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

/*
 * The rows of sales orders, contact-center queues and phone configurations, as the license book
 * reads and writes them on MikroORM (the same on both backends). The book keeps what is
 * transactional around them (its memo of reads, the held rows); these only map rows to records.
 */

export function insertSalesOrder(
  em: Em,
  input: Omit<SalesOrderRecord, 'id' | 'state' | 'completedAt' | 'completedBy' | 'cancelledAt' | 'cancelledBy'>,
): SalesOrderRecord {
  const record: SalesOrderRecord = {
    ...input,
    id: newId('so'),
    state: 'pending',
    completedAt: null,
    completedBy: null,
    cancelledAt: null,
    cancelledBy: null,
  };
  const { accountId, productId, ...rest } = record;
  em.create(SalesOrder, { ...rest, account: accountId, product: productId });
  return record;
}

export const toSalesOrderRecord = (o: SalesOrder, accountId: string): SalesOrderRecord => ({
  id: o.id,
  accountId,
  productId: o.product.id,
  quantity: o.quantity,
  state: o.state,
  note: o.note,
  requestedBy: o.requestedBy,
  createdAt: o.createdAt,
  completedAt: o.completedAt ?? null,
  completedBy: o.completedBy ?? null,
  cancelledAt: o.cancelledAt ?? null,
  cancelledBy: o.cancelledBy ?? null,
});

export async function findSalesOrder(em: Em, accountId: string, orderId: string): Promise<SalesOrderRecord | null> {
  const o = await em.findOne(SalesOrder, { id: orderId, account: accountId });
  return o ? toSalesOrderRecord(o, accountId) : null;
}

/** Cancels a pending order exactly once; false when it is no longer pending (completed or cancelled). */
export async function cancelSalesOrder(em: Em, orderId: string, cancelledBy: string, at: Date): Promise<boolean> {
  const changed = await em.nativeUpdate(
    SalesOrder,
    { id: orderId, state: 'pending' },
    { state: 'cancelled', cancelledBy, cancelledAt: at },
  );
  return changed === 1;
}

/** Completes a pending order exactly once; false when it was already completed. */
export async function completeSalesOrder(em: Em, orderId: string, completedBy: string, at: Date): Promise<boolean> {
  const changed = await em.nativeUpdate(
    SalesOrder,
    { id: orderId, state: 'pending' },
    { state: 'completed', completedBy, completedAt: at },
  );
  return changed === 1;
}

export function insertQueue(em: Em, input: Omit<QueueRecord, 'id'>): QueueRecord {
  const record = { ...input, id: newId('q') };
  em.create(Queue, {
    id: record.id,
    account: input.accountId,
    kind: input.kind,
    name: input.name,
    createdAt: input.createdAt,
  });
  return record;
}

/** A queue of the account, by id or by kind and name. */
export async function findQueue(
  em: Em,
  accountId: string,
  where: { id: string } | { kind: QueueRecord['kind']; name: string },
): Promise<QueueRecord | null> {
  const q = await em.findOne(Queue, { ...where, account: accountId });
  return q ? { id: q.id, accountId, kind: q.kind, name: q.name, createdAt: q.createdAt } : null;
}

export async function membershipsOfUser(em: Em, accountId: string, userId: string): Promise<MembershipRecord[]> {
  const members = await em.find(
    QueueMember,
    { account: accountId, user: userId },
    { populate: ['queue'], orderBy: { queue: 'asc' } },
  );
  return members.map((m) => ({ queueId: m.queue.id, queueKind: m.queue.kind, userId, role: m.role }));
}

/** The queue memberships of each of the account's users named, by user (a user in none is absent). */
export async function membershipsOfUsers(
  em: Em,
  accountId: string,
  userIds: string[],
): Promise<Map<string, MembershipRecord[]>> {
  const members = await em.find(
    QueueMember,
    { account: accountId, user: userIds },
    { populate: ['queue'], orderBy: { queue: 'asc' } },
  );
  return Map.groupBy(
    members.map((m) => ({ queueId: m.queue.id, queueKind: m.queue.kind, userId: m.user.id, role: m.role })),
    (m) => m.userId,
  );
}

export async function membersOfQueue(em: Em, queueId: string): Promise<MembershipRecord[]> {
  const members = await em.find(QueueMember, { queue: queueId }, { populate: ['queue'], orderBy: { user: 'asc' } });
  return members.map((m) => ({ queueId, queueKind: m.queue.kind, userId: m.user.id, role: m.role }));
}

export async function insertMembership(
  em: Em,
  accountId: string,
  membership: Omit<MembershipRecord, 'queueKind'>,
  at: Date,
): Promise<void> {
  em.create(QueueMember, {
    id: newId('qm'),
    account: accountId,
    queue: membership.queueId,
    user: membership.userId,
    role: membership.role,
    createdAt: at,
  });
  await em.flush();
}

export function deleteMemberships(em: Em, accountId: string, userId: string, queueId?: string): Promise<number> {
  return em.nativeDelete(QueueMember, { account: accountId, user: userId, ...(queueId ? { queue: queueId } : {}) });
}

export async function renameQueue(em: Em, queueId: string, name: string): Promise<void> {
  await em.nativeUpdate(Queue, { id: queueId }, { name });
}

/** Deletes a queue and its memberships. */
export async function deleteQueue(em: Em, queueId: string): Promise<void> {
  await em.nativeDelete(QueueMember, { queue: queueId });
  await em.nativeDelete(Queue, { id: queueId });
}

export async function findContactCenterBilling(em: Em, userId: string): Promise<ContactCenterBillingRecord | null> {
  const row = await em.findOne(ContactCenterBilling, { user: userId });
  return row
    ? {
        accountId: row.account.id,
        userId,
        productId: row.productId,
        since: row.since,
        ruleIds: row.ruleIds,
        causationId: row.causationId,
      }
    : null;
}

export async function startContactCenterBilling(em: Em, record: ContactCenterBillingRecord): Promise<void> {
  em.create(ContactCenterBilling, {
    user: record.userId,
    account: record.accountId,
    productId: record.productId,
    since: record.since,
    ruleIds: record.ruleIds,
    causationId: record.causationId,
  });
  await em.flush();
}

/** Removed through the unit of work, so a start later in the same transaction inserts anew. */
export async function stopContactCenterBilling(em: Em, userId: string): Promise<void> {
  const row = await em.findOne(ContactCenterBilling, { user: userId });
  if (!row) return;
  em.remove(row);
  await em.flush();
}

function toPhoneConfigurationRecord(c: PhoneConfiguration): PhoneConfigurationRecord {
  return {
    userId: c.user.id,
    productId: c.productId,
    settings: { ...c.settings, extension: c.extension ?? '' },
    features: c.features,
    retainedUntil: c.retainedUntil ?? null,
  };
}

export async function findPhoneConfiguration(em: Em, userId: string): Promise<PhoneConfigurationRecord | null> {
  const c = await em.findOne(PhoneConfiguration, { user: userId }, { refresh: true });
  return c ? toPhoneConfigurationRecord(c) : null;
}

/** The phone configurations of the users named, by user (a user without one is absent). */
export async function findPhoneConfigurations(
  em: Em,
  userIds: string[],
): Promise<Map<string, PhoneConfigurationRecord>> {
  const found = await em.find(PhoneConfiguration, { user: userIds }, { refresh: true });
  return new Map(found.map((c) => [c.user.id, toPhoneConfigurationRecord(c)]));
}

/** The configuration of the account's user `userId`, active or retained, if any (reads outside a mutation). */
export async function findPhoneConfigurationOfUser(
  em: Em,
  accountId: string,
  userId: string,
): Promise<PhoneConfigurationRecord | null> {
  const c = await em.findOne(PhoneConfiguration, { account: accountId, user: userId });
  return c ? toPhoneConfigurationRecord(c) : null;
}

/** The account's configuration (active or retained) that has this extension, if any. */
export async function findPhoneConfigurationByExtension(
  em: Em,
  accountId: string,
  extension: string,
): Promise<PhoneConfigurationRecord | null> {
  const c = await em.findOne(PhoneConfiguration, { account: accountId, extension }, { refresh: true });
  return c ? toPhoneConfigurationRecord(c) : null;
}

/** Creates or replaces the user's phone configuration, with its retention. */
export async function savePhoneConfiguration(
  em: Em,
  accountId: string,
  config: PhoneConfigurationRecord,
): Promise<void> {
  const { extension, ...settings } = config.settings;
  const values = {
    productId: config.productId,
    extension: extension || null,
    settings,
    features: config.features,
    retainedUntil: config.retainedUntil,
  };
  const existing = await em.findOne(PhoneConfiguration, { user: config.userId });
  if (existing) em.assign(existing, values);
  else
    em.create(PhoneConfiguration, {
      id: `pc_${config.userId.slice(4)}`,
      account: accountId,
      user: config.userId,
      ...values,
    });
  await em.flush();
}

/** Deletes retained configurations whose window ended at or before `now`; returns them. */
export async function purgeExpiredPhoneConfigurations(
  em: Em,
  now: Date,
): Promise<(PhoneConfigurationRecord & { accountId: string })[]> {
  const expired = await em.find(PhoneConfiguration, { retainedUntil: { $lte: now } });
  if (expired.length > 0) await em.nativeDelete(PhoneConfiguration, { id: expired.map((c) => c.id) });
  return expired.map((c) => ({ accountId: c.account.id, ...toPhoneConfigurationRecord(c) }));
}
