import { IsolationLevel } from '@mikro-orm/core';
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { Account, Assignment, QueueMember, Subscription } from './models/index.js';
import type { AccountHoldingsRecord } from './records.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

export interface AccountHoldingsQuery {
  /** One account; every account when unset. */
  accountId?: string;
  /**
   * The product the licensing service's Contact Center billing events name: the rule set's
   * `contactCenter.contactCenterProductId`, which this lib cannot read (rules are not its concern).
   */
  contactCenterProductId: string;
}

/**
 * What licensing says each account holds (AccountHoldingsRecord), ordered by account, read in one
 * transaction so that seats, assignments, queues and the unpublished events agree with each other:
 * a snapshot (REPEATABLE READ, read only) on PostgreSQL; libsql transactions are serializable.
 *
 * Contact Center: a user is billable while in at least one queue. That mirrors the rules that emit
 * the billing events (policies/contact-center): billing starts when a user joins a first queue of a
 * billable kind as a billable role (every kind and role of the data file today) and stops when they
 * leave their last queue, whichever it was; nothing else changes memberships.
 */
export async function readAccountHoldings(
  em: Em,
  dialect: 'postgres' | 'libsql',
  query: AccountHoldingsQuery,
): Promise<AccountHoldingsRecord[]> {
  const snapshot = dialect === 'postgres' ? { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true } : {};
  return em.transactional(async (tx) => {
    const ofAccount = query.accountId === undefined ? {} : { account: query.accountId };
    // One after the other: inside a libsql transaction there is one connection.
    const accounts = await tx.find(Account, query.accountId === undefined ? {} : { id: query.accountId }, {
      fields: ['id'],
      orderBy: { id: 'asc' },
    });
    const subscriptions = await tx.find(Subscription, ofAccount, {
      fields: ['account', 'product', 'purchasedSeats'],
      orderBy: { product: 'asc' },
    });
    const assignments = await tx.find(Assignment, ofAccount, {
      fields: ['account', 'user', 'product'],
      orderBy: { id: 'asc' },
    });
    const members = await tx.find(QueueMember, ofAccount, { fields: ['account', 'user'], orderBy: { user: 'asc' } });
    const pending = await pendingEventsByAccount(tx, query.accountId);
    const byAccount = <T extends { account: { id: string } }>(rows: T[]) => Map.groupBy(rows, (r) => r.account.id);
    const [subscriptionsOf, assignmentsOf, membersOf] = [
      byAccount(subscriptions),
      byAccount(assignments),
      byAccount(members),
    ];
    return accounts.map(({ id: accountId }) => ({
      accountId,
      purchasedSeats: (subscriptionsOf.get(accountId) ?? []).map((s) => ({
        productId: s.product.id,
        quantity: s.purchasedSeats,
      })),
      assignments: (assignmentsOf.get(accountId) ?? []).map((a) => ({
        id: a.id,
        userId: a.user.id,
        productId: a.product.id,
      })),
      contactCenterMembers: [...new Set((membersOf.get(accountId) ?? []).map((m) => m.user.id))].map((userId) => ({
        productId: query.contactCenterProductId,
        userId,
      })),
      pendingEvents: pending.get(accountId) ?? 0,
    }));
  }, snapshot);
}

/** Unpublished outbox events per account (the rows the unpublished index starts with). */
async function pendingEventsByAccount(em: Em, accountId: string | undefined): Promise<Map<string, number>> {
  const rows = (await em.execute(
    'select account_id, count(*) as pending from outbox_event where published_at is null' +
      (accountId === undefined ? '' : ' and account_id = ?') +
      ' group by account_id',
    accountId === undefined ? [] : [accountId],
    'all',
  )) as { account_id: string; pending: number | string }[];
  return new Map(rows.map((r) => [r.account_id, Number(r.pending)]));
}
