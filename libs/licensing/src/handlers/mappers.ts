import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { JsonObject } from '@bufbuild/protobuf';
import {
  AccountKind,
  AccountSchema,
  AssignmentSchema,
  AuditEventSchema,
  DecisionSummarySchema,
  AccountStyle,
  BillingBasis,
  BillingPeriod,
  ProductSchema,
  ProductSeatUsageSchema,
  SuiteSchema,
  UserSchema,
  UserState,
  Vendor,
  type Account,
  type Assignment,
  type AuditEvent,
  type DecisionSummary,
  type Product,
  type ProductSeatUsage,
  type Suite,
  type User,
} from '@acme/contracts';
import type { AssignmentRecord, AuditRecord, BillingBasis as CatalogBillingBasis } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import type { AccountRecord, CatalogProduct, CatalogSuite, SeatUsageRecord, UserRecord } from '../store.js';

/** Store records to wire messages; the only place that knows both shapes. */
export const toProduct = (p: CatalogProduct): Product =>
  create(ProductSchema, {
    id: p.id,
    name: p.name,
    vendor: p.vendor === 'goto' ? Vendor.GOTO : Vendor.ZENDESK,
    features: p.features,
    suiteId: p.suiteId ?? '',
    unitPrice: { currencyCode: p.currency, amountMinor: BigInt(p.unitPriceMinor) },
    billingPeriod: p.billingPeriod === 'month' ? BillingPeriod.MONTH : BillingPeriod.YEAR,
    billingBasis: toBillingBasis(p.billingBasis),
  });

export const toBillingBasis = (basis: CatalogBillingBasis): BillingBasis =>
  basis === 'purchased_seats' ? BillingBasis.PURCHASED_SEATS : BillingBasis.CONTACT_CENTER_MEMBER;

export const toSuite = (s: CatalogSuite): Suite =>
  create(SuiteSchema, { id: s.id, name: s.name, productIds: s.productIds });

export const toAccount = (a: AccountRecord): Account =>
  create(AccountSchema, {
    id: a.id,
    name: a.name,
    kind: a.kind === 'self_service' ? AccountKind.SELF_SERVICE : AccountKind.SALES_MANAGED,
    style: a.style === 'goto' ? AccountStyle.GOTO : AccountStyle.ZENDESK,
    legacyPlan: a.legacyPlan,
    cardOnFile: a.cardOnFile,
    ownerUserId: a.ownerUserId ?? '',
    offeringId: a.offeringId ?? '',
    currency: a.currency,
    billingProfileId: a.billingProfileId ?? '',
    createTime: timestampFromDate(a.createdAt),
    suspended: a.suspended,
  });

export const toSeatUsage = (u: SeatUsageRecord): ProductSeatUsage => create(ProductSeatUsageSchema, { ...u });

export const toUser = (u: UserRecord): User =>
  create(UserSchema, {
    id: u.id,
    accountId: u.accountId,
    email: u.email,
    displayName: u.displayName,
    roles: u.roles,
    permissions: u.permissions,
    createTime: timestampFromDate(u.createdAt),
    state: u.deactivatedAt ? UserState.DEACTIVATED : UserState.ACTIVE,
    ...(u.deactivatedAt ? { deactivateTime: timestampFromDate(u.deactivatedAt) } : {}),
  });

/**
 * A dry run creates nothing: an id it generated names no row, and would mislead a caller who used
 * it, so a dry run's answer leaves the ids of what it would create empty.
 */
export function createdId<T extends { id: string }>(message: T, validateOnly: boolean): T {
  if (validateOnly) message.id = '';
  return message;
}

export const toAssignment = (a: AssignmentRecord): Assignment =>
  create(AssignmentSchema, {
    id: a.id,
    accountId: a.accountId,
    userId: a.userId,
    productId: a.productId,
    features: a.features,
    createTime: timestampFromDate(a.createdAt),
  });

// protobuf-es represents google.protobuf.Struct fields as plain JSON objects.
const toStruct = (value: Record<string, unknown> | null) => (value ? (value as JsonObject) : undefined);

export const toAuditEvent = (accountId: string, e: AuditRecord): AuditEvent =>
  create(AuditEventSchema, {
    id: e.id,
    accountId,
    actor: e.actor,
    action: e.action,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    before: toStruct(e.before),
    after: toStruct(e.after),
    causationId: e.causationId,
    occurTime: timestampFromDate(e.occurredAt),
  });

/** Warnings and effects of an allowed decision, as returned to the caller. */
export function decisionSummary(decision: Decision, validateOnly: boolean): DecisionSummary {
  return create(DecisionSummarySchema, {
    warnings: decision.warnings.map((w) => ({ ruleId: w.ruleId, message: w.message })),
    effects: decision.effects.map((e) => ({
      type: e.type,
      code: e.code ?? '',
      productId: e.productId ?? '',
      userIds: e.userIds ?? (e.userId ? [e.userId] : []),
      ruleId: e.ruleId,
      message: e.message ?? '',
      ...(e.until ? { until: timestampFromDate(e.until) } : {}),
    })),
    ruleSetVersion: decision.ruleSetVersion,
    validateOnly,
  });
}
