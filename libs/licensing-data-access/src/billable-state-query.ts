import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { Assignment, QueueMember, User } from './models/index.js';
import type { BillableStateRecord } from './records.js';
import { findContactCenterBilling } from './sales-and-contact-center-rows.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

/**
 * What licensing holds about why a user costs money: the licenses they hold (with each product's
 * billing basis), their queue memberships, and their Contact Center billing. Null when the account
 * has no such user.
 */
export async function billableStateOfUser(
  em: Em,
  accountId: string,
  userId: string,
): Promise<BillableStateRecord | null> {
  const user = await em.findOne(User, { id: userId, account: accountId }, { fields: ['id'] });
  if (!user) return null;
  const [assignments, memberships, contactCenter] = await Promise.all([
    em.find(Assignment, { user: userId }, { populate: ['product'], orderBy: { product: 'asc' } }),
    em.find(QueueMember, { user: userId }, { populate: ['queue'], orderBy: { queue: 'asc' } }),
    findContactCenterBilling(em, userId),
  ]);
  return {
    licenses: assignments.map((a) => ({
      assignmentId: a.id,
      productId: a.product.id,
      billingBasis: a.product.billingBasis,
      since: a.createdAt,
    })),
    memberships: memberships.map((m) => ({
      queueId: m.queue.id,
      queueName: m.queue.name,
      queueKind: m.queue.kind,
      role: m.role,
      since: m.createdAt,
    })),
    contactCenter,
  };
}
