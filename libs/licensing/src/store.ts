/**
 * What the licensing handlers need from persistence, in plain types. The data-access lib
 * (`@acme/licensing-data-access`) provides it; handlers never see the ORM.
 */
import type {
  AccountRecord,
  AssignmentRecord,
  AuditRecord,
  BillableStateRecord,
  DecisionFilter,
  DecisionLogRecord,
  CatalogProduct,
  CatalogSuite,
  EntitlementSnapshotRecord,
  MembershipRecord,
  PhoneConfigurationRecord,
  QueueRecord,
  SalesOrderRecord,
  SeatUsageRecord,
  UserRecord,
} from '@acme/licensing-data-access';

export type { AccountRecord, CatalogProduct, CatalogSuite, SeatUsageRecord, UserRecord };

type Page = { pageSize: number; pageToken?: string };

export interface LicensingStore {
  catalog: {
    listProducts(): Promise<CatalogProduct[]>;
    listSuites(): Promise<CatalogSuite[]>;
  };
  accounts: {
    get(accountId: string): Promise<AccountRecord | null>;
    seatUsage(accountId: string): Promise<SeatUsageRecord[]>;
    /** Every account, a page at a time (back office). */
    list(page: Page): Promise<{ accounts: AccountRecord[]; nextPageToken: string | null }>;
    /** What decides every entitlement of the account now, or null: no such account. */
    entitlements(accountId: string): Promise<EntitlementSnapshotRecord | null>;
  };
  outbox: {
    /** The account's events after `sequence`, oldest first, at most `limit`. */
    after(accountId: string, sequence: number, limit: number): Promise<{ sequence: number; payload: Uint8Array }[]>;
  };
  salesOrders: {
    get(accountId: string, orderId: string): Promise<SalesOrderRecord | null>;
    list(
      accountId: string,
      filter: { state?: SalesOrderRecord['state'] },
      page: Page,
    ): Promise<{ orders: SalesOrderRecord[]; nextPageToken: string | null }>;
  };
  phoneConfigurations: {
    get(accountId: string, userId: string): Promise<PhoneConfigurationRecord | null>;
  };
  queues: {
    list(
      accountId: string,
      filter: { kind?: QueueRecord['kind']; memberUserId?: string },
    ): Promise<(QueueRecord & { members: MembershipRecord[] })[]>;
    get(accountId: string, queueId: string): Promise<(QueueRecord & { members: MembershipRecord[] }) | null>;
  };
  assignments: {
    list(
      accountId: string,
      filter: { userId?: string; productId?: string },
      page: Page,
    ): Promise<{ assignments: AssignmentRecord[]; nextPageToken: string | null }>;
    /** The account's assignment `assignmentId`, or null. */
    get(accountId: string, assignmentId: string): Promise<AssignmentRecord | null>;
  };
  audit: {
    list(
      accountId: string,
      filter: { resourceId?: string; actor?: string; causationId?: string; from?: Date; to?: Date },
      page: Page,
    ): Promise<{ events: AuditRecord[]; nextPageToken: string | null }>;
  };
  decisions: {
    list(
      accountId: string,
      filter: DecisionFilter,
      page: Page,
    ): Promise<{ decisions: DecisionLogRecord[]; nextPageToken: string | null }>;
  };
  users: {
    /** The account's users by id, a page at a time; with `query`, those whose email or display name contains it (any case). */
    list(
      accountId: string,
      page: { pageSize: number; pageToken?: string },
      filter?: { query?: string },
    ): Promise<{ users: UserRecord[]; nextPageToken: string | null }>;
    /** The account's user `userId`, active or deactivated, or null. */
    get(accountId: string, userId: string): Promise<UserRecord | null>;
    /** The roles and permissions of the account's user `userId`, or null (authentication). */
    grants(accountId: string, userId: string): Promise<Pick<UserRecord, 'roles' | 'permissions'> | null>;
    /** Why the user counts toward charges (licenses, queues, Contact Center billing), or null: no such user. */
    billableState(accountId: string, userId: string): Promise<BillableStateRecord | null>;
  };
}
