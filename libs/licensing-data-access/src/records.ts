/** Plain records this lib returns; callers never see entities or the ORM. */
export interface CatalogProduct {
  id: string;
  name: string;
  vendor: 'goto' | 'zendesk';
  features: string[];
  suiteId: string | null;
  unitPriceMinor: number;
  currency: string;
  billingPeriod: 'month' | 'year';
}

export interface CatalogSuite {
  id: string;
  name: string;
  productIds: string[];
}

export interface AccountRecord {
  id: string;
  name: string;
  kind: 'self_service' | 'sales_managed';
  style: 'goto' | 'zendesk';
  legacyPlan: boolean;
  cardOnFile: boolean;
  ownerUserId: string | null;
  createdAt: Date;
}

export interface SeatUsageRecord {
  productId: string;
  purchased: number;
  assigned: number;
  available: number;
  pendingFromSales: number;
}

export interface UserRecord {
  id: string;
  accountId: string;
  email: string;
  displayName: string;
  roles: string[];
  permissions: string[];
  createdAt: Date;
}
