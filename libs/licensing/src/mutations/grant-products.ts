import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ProductAssignment } from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { AccountRecord, AssignmentRecord, LicensingTx, SubscriptionRecord, UserRecord } from '@acme/licensing-data-access';
import type { Decision } from '@acme/rules';
import { AppError } from '@acme/util';
import { RequestProblems } from '../handlers/validation.js';
import { actorFacts } from './actor-facts.js';
import { decisionError } from './decision-outcome.js';
import { outboxEvents, type PayloadInit } from './outbox-events.js';
import type { MutationDeps } from './run-mutation.js';

/** The seat facts of one product as the rules expect them (see libs/rules catalogue). */
export function seatFacts(productId: string, suiteId: string | null, sub: SubscriptionRecord | undefined, requested: number) {
  const purchased = sub?.purchased ?? 0;
  const assigned = sub?.assigned ?? 0;
  return { id: productId, suiteId, purchased, assigned, available: purchased - assigned, requested, availableAfter: purchased - assigned - requested, purchasedAfter: purchased };
}

export interface PhoneFacts {
  /** An active phone configuration (the user holds GoTo Connect with a configured phone). */
  hasPhoneConfiguration: boolean;
  /** A configuration kept after a removal, still inside its retention window. */
  hasRetainedConfiguration: boolean;
}

const NO_PHONE: PhoneFacts = { hasPhoneConfiguration: false, hasRetainedConfiguration: false };

/** The `user` fact: licenses held, queue memberships before/after, phone configuration state. */
export function userFacts(user: Pick<UserRecord, 'id'>, held: AssignmentRecord[], queues: { before: number; after: number } = { before: 0, after: 0 }, phone: PhoneFacts = NO_PHONE) {
  return { id: user.id, productIds: held.map((a) => a.productId), queueMembershipCount: queues.before, queueMembershipCountAfter: queues.after, ...phone };
}

export async function phoneFacts(tx: LicensingTx, userId: string, now: Date): Promise<PhoneFacts> {
  const config = await tx.phoneConfiguration(userId);
  return {
    hasPhoneConfiguration: config !== null && config.retainedUntil === null,
    hasRetainedConfiguration: config !== null && config.retainedUntil !== null && config.retainedUntil > now,
  };
}

/** Products whose removal keeps a phone configuration, from the rules' retention parameters. */
export function retentionParams(deps: MutationDeps): { days: number; productIds: string[] } {
  const retention = deps.rules().params.retention as { days?: number; productIds?: string[] } | undefined;
  return { days: retention?.days ?? 7, productIds: retention?.productIds ?? [] };
}

/** A user's queue membership count, unchanged by license changes. */
export async function queueCounts(tx: LicensingTx, accountId: string, userId: string): Promise<{ before: number; after: number }> {
  const count = (await tx.membershipsOfUser(accountId, userId)).length;
  return { before: count, after: count };
}

export interface GrantContext {
  deps: MutationDeps;
  tx: LicensingTx;
  principal: Principal;
  account: AccountRecord;
  user: Pick<UserRecord, 'id'>;
  /** Assignments the user holds before this change. */
  held: AssignmentRecord[];
  point: 'assign' | 'create_user';
  /** Field path of the product list in the request, for error messages. */
  field: string;
  requestId: string;
  now: Date;
  notifyUser: boolean;
  /** Runs once the rules allow the grant, before its first write (CreateUser inserts the user here). */
  beforeWrites?: () => void;
}

/**
 * Gives a user one or more products, all or nothing: checks products and features, asks the
 * rules, takes each seat through the guarded counter, writes assignments, audit rows and outbox
 * events. Used by AssignLicenses and CreateUser.
 */
export async function grantProducts(ctx: GrantContext, wanted: ProductAssignment[]): Promise<{ created: AssignmentRecord[]; decision: Decision }> {
  const { tx, account, user, held, now } = ctx;
  const productIds = wanted.map((w) => w.productId);
  const products = new Map((await tx.products(productIds)).map((p) => [p.id, p]));
  const problems = new RequestProblems();
  wanted.forEach((w, i) => {
    const product = products.get(w.productId);
    if (!product) return void problems.add(`${ctx.field}[${i}].product_id`, `unknown product ${w.productId}`);
    if (held.some((a) => a.productId === product.id)) problems.add(`${ctx.field}[${i}].product_id`, `${user.id} already holds ${product.id}`);
    for (const feature of Object.keys(w.features)) {
      if (!product.features.includes(feature)) problems.add(`${ctx.field}[${i}].features.${feature.slice(0, 64)}`, `${product.id} has no feature ${feature.slice(0, 64)} (it has: ${product.features.join(', ')})`);
    }
  });
  problems.throwIfAny();

  const subscriptions = new Map((await tx.subscriptions(account.id, productIds)).map((s) => [s.productId, s]));
  const decision = await ctx.deps.rules().decide(ctx.point, {
    ...actorFacts(ctx.principal, account),
    request: { productIds },
    products: productIds.map((id) => seatFacts(id, products.get(id)!.suiteId, subscriptions.get(id), 1)),
    user: userFacts(user, held, await queueCounts(tx, account.id, user.id), await phoneFacts(tx, user.id, now)),
  }, { authorized: true });
  if (!decision.allowed) throw decisionError(decision, account.id);
  ctx.beforeWrites?.();
  const restoring = decision.effects.find((e) => e.type === 'configuration_restored');
  const retained = restoring ? await tx.phoneConfiguration(user.id) : null;
  const phoneProducts = retentionParams(ctx.deps).productIds;

  const created: AssignmentRecord[] = [];
  for (const w of wanted) {
    const product = products.get(w.productId)!;
    // The guarded update is the last word: a concurrent request may have taken the seat.
    await tx.reserveSeats(account.id, product.id, 1, () =>
      new AppError('resource_exhausted', `${product.id}: no seat left`, {
        reason: 'SEATS_EXHAUSTED',
        ruleViolations: [{ type: 'seat-limits.no-assignment-beyond-purchased', subject: product.id, description: `${product.id}: every purchased seat is assigned` }],
      }),
    );
    // A retained phone configuration comes back as it was; otherwise requested toggles, default on.
    const restored = retained && retained.productId === product.id ? retained.settings : {};
    const features = Object.fromEntries(product.features.map((f) => [f, w.features[f] ?? restored[f] ?? true]));
    created.push(tx.insertAssignment({ accountId: account.id, userId: user.id, productId: product.id, features, createdAt: now }));
    if (phoneProducts.includes(product.id)) await tx.savePhoneConfiguration(account.id, { userId: user.id, productId: product.id, settings: features });
  }
  tx.appendAudit(created.map((a) => ({ accountId: account.id, actor: ctx.principal.subject, action: 'license.assigned', resourceType: 'assignment', resourceId: a.id, before: null, after: { userId: a.userId, productId: a.productId, features: a.features }, causationId: ctx.requestId, occurredAt: now })));
  const payloads: PayloadInit[] = [
    ...created.map((a): PayloadInit => {
      const sub = subscriptions.get(a.productId);
      const product = products.get(a.productId)!;
      return {
        case: 'licenseAssigned',
        value: { assignmentId: a.id, userId: a.userId, productId: a.productId, features: a.features, effectiveTime: timestampFromDate(now), price: { unitPrice: { currencyCode: sub?.currency ?? product.currency, amountMinor: BigInt(sub?.unitPriceMinor ?? product.unitPriceMinor) }, billingPeriod: product.billingPeriod } },
      };
    }),
    ...decision.effects
      .filter((e) => e.type === 'notice' && e.code === 'seats_exhausted')
      .map((e): PayloadInit => ({ case: 'seatsExhausted', value: { productId: e.productId ?? '', purchased: subscriptions.get(e.productId ?? '')?.purchased ?? 0 } })),
    ...(retained ? [{ case: 'configurationRestored', value: { userId: user.id, productId: retained.productId } } as PayloadInit] : []),
    ...(ctx.notifyUser ? [{ case: 'notificationRequested', value: { template: 'product_change', userId: user.id, parameters: { added: productIds.join(',') } } } as PayloadInit] : []),
  ];
  await tx.appendEvents(account.id, outboxEvents({ accountId: account.id, principal: ctx.principal, causationId: ctx.requestId, occurredAt: now }, payloads));
  return { created, decision };
}
