import { IsolationLevel } from '@mikro-orm/core';
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';

type Em = SqlEntityManager<AbstractSqlDriver>;

/**
 * What decides every entitlement of one account at one moment: whether the account is suspended,
 * which users exist and are active, which product each holds with which feature toggles, and the
 * account's last event sequence (every change of an entitlement appends an event, so the sequence
 * names the moment). Read in one snapshot, so the parts agree with each other and the sequence.
 */
export interface EntitlementSnapshotRecord {
  accountId: string;
  suspended: boolean;
  /** The account's last event sequence when the snapshot was read. */
  sequence: number;
  /** Every user of the account: id and whether they are active (not deactivated). */
  users: { id: string; active: boolean }[];
  /** Every license held in the account. */
  licenses: { userId: string; productId: string; features: Record<string, boolean> }[];
}

/** The account's entitlement snapshot, or null when there is no such account. */
export async function readEntitlementSnapshot(
  em: Em,
  dialect: 'postgres' | 'libsql',
  accountId: string,
): Promise<EntitlementSnapshotRecord | null> {
  // REPEATABLE READ on PostgreSQL; libsql transactions are serializable.
  const snapshot = dialect === 'postgres' ? { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true } : {};
  return em.transactional(async (tx) => {
    // One after the other: inside a libsql transaction there is one connection.
    const [account] = await tx.execute<{ suspended: unknown; event_sequence: number | string }[]>(
      'select suspended, event_sequence from account where id = ?',
      [accountId],
    );
    if (!account) return null;
    const users = await tx.execute<{ id: string; deactivated_at: unknown }[]>(
      'select id, deactivated_at from app_user where account_id = ?',
      [accountId],
    );
    const licenses = await tx.execute<{ user_id: string; product_id: string; features: unknown }[]>(
      'select user_id, product_id, features from assignment where account_id = ?',
      [accountId],
    );
    return {
      accountId,
      // libsql answers booleans as 0/1.
      suspended: Boolean(account.suspended),
      sequence: Number(account.event_sequence),
      users: users.map((u) => ({ id: u.id, active: u.deactivated_at === null })),
      licenses: licenses.map((l) => ({
        userId: l.user_id,
        productId: l.product_id,
        // A JSON column: parsed by the driver on PostgreSQL (jsonb), text on libsql.
        features: (typeof l.features === 'string' ? JSON.parse(l.features) : l.features) as Record<string, boolean>,
      })),
    };
  }, snapshot);
}
