import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type {
  AssignmentRecord,
  CatalogProduct,
  PhoneConfigurationRecord,
  SubscriptionRecord,
  UserRecord,
} from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { AppError, type FieldViolation } from '@acme/util';
import { auditEntry } from '../domain/audit.js';
import type { EventPayload } from '../domain/events.js';
import { actorFacts, licenseUserFacts, seatFacts, withPlannedSeats } from '../domain/facts.js';
import { priceOf } from '../domain/price.js';
import { newPhoneConfiguration, purgeAuditEntry } from '../domain/phone-configuration.js';
import { retentionOf } from '../domain/retention.js';
import { decide, originOfCall, record, requireActiveUser, type UseCaseContext } from './use-case-context.js';

/** A product to give, with the feature toggles asked for (the others default on). */
export interface ProductGrant {
  productId: string;
  features: Record<string, boolean>;
}

export interface Granted {
  created: AssignmentRecord[];
  decision: Decision;
}

/** AssignLicenses: gives an existing user one or more products, all or nothing. */
export async function assignLicenses(
  ctx: UseCaseContext,
  command: { userId: string; products: ProductGrant[]; notifyUser: boolean },
): Promise<Granted> {
  const user = await requireActiveUser(ctx, command.userId);
  const current = await ctx.tx.assignmentsOfUser(user.id);
  return grantProducts(ctx, {
    user,
    current,
    point: 'assign',
    field: 'products',
    products: command.products,
    notifyUser: command.notifyUser,
  });
}

export interface Grant {
  user: Pick<UserRecord, 'id'>;
  /** The assignments the user holds before this change. */
  current: AssignmentRecord[];
  point: 'assign' | 'create_user';
  /** Field path of the product list in the request, for error messages. */
  field: string;
  products: ProductGrant[];
  notifyUser: boolean;
  /** Runs once the rules allow the grant, before its first write (CreateUser inserts the user here). */
  beforeWrites?: () => void;
}

/**
 * Gives a user products (AssignLicenses, and CreateUser with licenses): checks products and
 * features, asks the rules, takes each seat through the guarded counter, restores a retained phone
 * configuration when the rules say so, and records assignments, audit entries and events.
 */
export async function grantProducts(ctx: UseCaseContext, grant: Grant): Promise<Granted> {
  const plan = await planGrant(ctx, grant);
  grant.beforeWrites?.();
  return applyGrant(ctx, plan);
}

/** What a grant will do, decided before any write (see planGrant). */
export interface GrantPlan {
  grant: Grant;
  products: Map<string, CatalogProduct>;
  subscriptions: Map<string, SubscriptionRecord>;
  decision: Decision;
  /** A retained phone configuration the rules restore. */
  retained: PhoneConfigurationRecord | null;
  /** A configuration whose window has ended but that no sweep has purged yet: it goes now. */
  expired: PhoneConfigurationRecord | null;
}

/**
 * The reading and deciding half of a grant: it writes nothing, so a refusal leaves no trace.
 * `seatsTaken` counts seats of each product that grants planned before this one in the same
 * transaction will take (a bulk change), so the seat rules see them as taken.
 */
export async function planGrant(
  ctx: UseCaseContext,
  grant: Grant,
  seatsTaken: ReadonlyMap<string, number> = new Map(),
): Promise<GrantPlan> {
  const { tx, account, now } = ctx;
  const { user, current } = grant;
  // Load
  const productIds = grant.products.map((p) => p.productId);
  const products = new Map((await tx.products(productIds)).map((p) => [p.id, p]));
  const problems: FieldViolation[] = [];
  grant.products.forEach((wanted, i) => {
    const product = products.get(wanted.productId);
    const at = `${grant.field}[${i}]`;
    if (!product)
      return void problems.push({ field: `${at}.product_id`, description: `unknown product ${wanted.productId}` });
    if (current.some((a) => a.productId === product.id))
      problems.push({ field: `${at}.product_id`, description: `${user.id} already holds ${product.id}` });
    for (const feature of Object.keys(wanted.features)) {
      if (!product.features.includes(feature)) {
        problems.push({
          field: `${at}.features.${feature.slice(0, 64)}`,
          description: `${product.id} has no feature ${feature.slice(0, 64)} (it has: ${product.features.join(', ')})`,
        });
      }
    }
  });
  if (problems.length > 0) throw AppError.invalidArgument(problems);
  const subscriptions = new Map((await tx.subscriptions(account.id, productIds)).map((s) => [s.productId, s]));
  const seatsNow = (id: string) => withPlannedSeats(subscriptions.get(id), seatsTaken.get(id));

  // Decide
  const decision = await decide(ctx, grant.point, {
    ...actorFacts(ctx.principal, account),
    request: { productIds },
    products: productIds.map((id) => seatFacts(id, products.get(id)!.suiteId, seatsNow(id), 1)),
    user: await licenseUserFacts(tx, account.id, user, current, now),
  });
  const phoneProducts = retentionOf(ctx.rules).productIds;
  const existing = productIds.some((id) => phoneProducts.includes(id)) ? await tx.phoneConfiguration(user.id) : null;
  const restoring = decision.effects.some((e) => e.type === 'configuration_restored');
  return {
    grant,
    products,
    subscriptions,
    decision,
    retained: restoring ? existing : null,
    expired: existing && !restoring && existing.retainedUntil ? existing : null,
  };
}

/** The writing half of a grant: seats, assignments, phone configurations, audit entries and events. */
export async function applyGrant(ctx: UseCaseContext, plan: GrantPlan): Promise<Granted> {
  const { tx, account, now } = ctx;
  const { grant, products, subscriptions, decision, retained, expired } = plan;
  const { user } = grant;
  const productIds = grant.products.map((p) => p.productId);
  const phoneProducts = retentionOf(ctx.rules).productIds;
  const created: AssignmentRecord[] = [];
  for (const wanted of grant.products) {
    const product = products.get(wanted.productId)!;
    // The guarded update is the last word: a concurrent request may have taken the seat.
    await tx.reserveSeats(
      account.id,
      product.id,
      1,
      () =>
        new AppError('resource_exhausted', `${product.id}: no seat left`, {
          reason: 'SEATS_EXHAUSTED',
          ruleViolations: [
            {
              type: 'seat-limits.no-assignment-beyond-purchased',
              subject: product.id,
              description: `${product.id}: every purchased seat is assigned`,
            },
          ],
        }),
    );
    // A retained phone configuration comes back as it was at removal, with the toggles the license
    // had then; otherwise the requested toggles, default on, and a new configuration.
    const restore = retained?.productId === product.id ? retained : null;
    const features = Object.fromEntries(
      product.features.map((f) => [f, wanted.features[f] ?? restore?.features[f] ?? true]),
    );
    created.push(
      tx.insertAssignment({ accountId: account.id, userId: user.id, productId: product.id, features, createdAt: now }),
    );
    if (phoneProducts.includes(product.id))
      await tx.savePhoneConfiguration(
        account.id,
        restore ? { ...restore, features, retainedUntil: null } : newPhoneConfiguration(user.id, product.id, features),
      );
  }

  // Audit and events
  const origin = originOfCall(ctx);
  await record(
    ctx,
    [
      ...created.map((a) =>
        auditEntry(origin, 'license.assigned', { type: 'assignment', id: a.id }, null, {
          userId: a.userId,
          productId: a.productId,
          features: a.features,
        }),
      ),
      // Audited as the sweep audits a purge.
      ...(expired ? [purgeAuditEntry(origin, expired)] : []),
    ],
    [
      ...created.map((a): EventPayload => ({
        case: 'licenseAssigned',
        value: {
          assignmentId: a.id,
          userId: a.userId,
          productId: a.productId,
          features: a.features,
          effectiveTime: timestampFromDate(now),
          price: priceOf(products.get(a.productId)!, subscriptions.get(a.productId)),
        },
      })),
      ...decision.effects
        .filter((e) => e.type === 'notice' && e.code === 'seats_exhausted')
        .map((e): EventPayload => ({
          case: 'seatsExhausted',
          value: { productId: e.productId ?? '', purchased: subscriptions.get(e.productId ?? '')?.purchased ?? 0 },
        })),
      ...(retained
        ? [{ case: 'configurationRestored', value: { userId: user.id, productId: retained.productId } } as EventPayload]
        : []),
      ...(expired
        ? [{ case: 'configurationPurged', value: { userId: user.id, productId: expired.productId } } as EventPayload]
        : []),
      ...(grant.notifyUser
        ? [
            {
              case: 'notificationRequested',
              value: { template: 'product_change', userId: user.id, parameters: { added: productIds.join(',') } },
            } as EventPayload,
          ]
        : []),
    ],
  );
  return { created, decision };
}
