import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { executeBound } from '@acme/persistence';
import type { AccountRecord, UserRecord } from './records.js';
import type { FirstReads } from './license-book.js';
import type {
  AssignmentRecord,
  IdempotencyHit,
  MembershipRecord,
  PhoneConfigurationRecord,
  PhoneSettings,
  SeatLevelRecord,
  SubscriptionRecord,
} from './records.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

export interface Prefetched {
  /** PostgreSQL's id of the transaction (pg_current_xact_id), which a lost COMMIT is resolved by. */
  transactionId: string;
  account: AccountRecord | null;
  /** The account's last event sequence, read under the account row lock (null: no account). */
  eventSequence: number | null;
  user?: UserRecord | null;
  assignments?: AssignmentRecord[];
  memberships?: MembershipRecord[];
  phone?: PhoneConfigurationRecord | null;
  idempotency?: IdempotencyHit | null;
  subscriptions?: SubscriptionRecord[];
  /** The same subscriptions' seat counters and standing notice, read under the account lock. */
  seatLevels?: SeatLevelRecord[];
}

/**
 * PostgreSQL: the account, the user with their assignments, queue memberships and phone
 * configuration, the subscriptions of the products named, and the idempotency record, in one
 * round trip (JSON built by the database) instead of seven queries. The account row is locked
 * (FOR UPDATE) until the transaction ends: mutations of one account take their turns from here,
 * and the event sequence read now is the one this transaction continues. The function
 * (`licensing_prefetch`, see its migration) takes the lock before it reads the rest, so a
 * mutation that waited for the lock reads what the one before it committed.
 */
export async function prefetchOnPostgres(em: Em, wanted: FirstReads): Promise<Prefetched> {
  const user = wanted.userId ?? '';
  const params = [
    wanted.accountId,
    user,
    `${wanted.accountId}:${wanted.idempotencyKey ?? ''}`,
    wanted.productIds ?? [],
  ];
  const [row] = await executeBound<{ prefetched: Record<string, unknown>; xid: string }>(em, PREFETCH_SQL, params);
  return toPrefetched(row!.prefetched, row!.xid, wanted);
}

/**
 * One text whatever is asked for (products as an array), so it runs as a prepared statement. The
 * transaction id is taken here, so that the transaction's last statement can carry its COMMIT.
 */
const PREFETCH_SQL =
  'select licensing_prefetch($1, $2, $3, $4::text[]) as prefetched, pg_current_xact_id()::text as xid';

type Row = Record<string, unknown>;

function toPrefetched(row: Row, transactionId: string, wanted: FirstReads): Prefetched {
  const account = row.account as Row | null;
  const result: Prefetched = {
    transactionId,
    account: account
      ? {
          id: account.id as string,
          name: account.name as string,
          kind: account.kind as AccountRecord['kind'],
          style: account.style as AccountRecord['style'],
          legacyPlan: account.legacy_plan as boolean,
          cardOnFile: account.card_on_file as boolean,
          ownerUserId: (account.owner_user_id as string | null) ?? null,
          offeringId: (account.offering_id as string | null) ?? null,
          currency: account.currency as string,
          billingProfileId: (account.billing_profile_id as string | null) ?? null,
          createdAt: new Date(account.created_at as string),
          suspended: account.suspended === true,
        }
      : null,
    eventSequence: account ? Number(account.event_sequence) : null,
  };
  if (wanted.userId !== undefined) {
    const u = row.user as Row | null;
    result.user = u
      ? {
          id: u.id as string,
          accountId: u.account_id as string,
          email: u.email as string,
          displayName: u.display_name as string,
          roles: u.roles as string[],
          permissions: u.permissions as string[],
          createdAt: new Date(u.created_at as string),
          deactivatedAt: u.deactivated_at ? new Date(u.deactivated_at as string) : null,
        }
      : null;
    result.assignments = (row.assignments as Row[]).map((a) => ({
      id: a.id as string,
      accountId: a.account_id as string,
      userId: a.user_id as string,
      productId: a.product_id as string,
      features: a.features as Record<string, boolean>,
      createdAt: new Date(a.created_at as string),
    }));
    result.memberships = (row.memberships as Row[]).map((m) => ({
      queueId: m.queue_id as string,
      queueKind: m.kind as MembershipRecord['queueKind'],
      userId: wanted.userId!,
      role: m.role as MembershipRecord['role'],
    }));
    const p = row.phone as Row | null;
    result.phone = p
      ? {
          userId: wanted.userId,
          productId: p.product_id as string,
          settings: { ...(p.settings as Omit<PhoneSettings, 'extension'>), extension: (p.extension as string) ?? '' },
          features: p.features as Record<string, boolean>,
          retainedUntil: p.retained_until ? new Date(p.retained_until as string) : null,
        }
      : null;
  }
  if (wanted.idempotencyKey) {
    const i = row.idempotency as Row | null;
    result.idempotency = i
      ? {
          method: i.method as string,
          requestHash: i.request_hash as string,
          response: new Uint8Array(Buffer.from(i.response as string, 'base64')),
        }
      : null;
  }
  if (wanted.productIds) {
    result.subscriptions = (row.subscriptions as Row[]).map((s) => ({
      productId: s.product_id as string,
      purchased: s.purchased_seats as number,
      assigned: s.assigned_seats as number,
      unitPriceMinor: s.unit_price_minor as number,
      currency: s.currency as string,
    }));
    result.seatLevels = (row.subscriptions as Row[]).map((s) => ({
      productId: s.product_id as string,
      purchased: Number(s.purchased_seats),
      assigned: Number(s.assigned_seats),
      noticePercent: Number(s.seat_notice_percent),
    }));
  }
  return result;
}
