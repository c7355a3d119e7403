import type { CatalogProduct, EntitlementSnapshotRecord } from '@acme/licensing-data-access';

/** Why a user is, or is not, entitled: the first that applies, in this order of precedence. */
export type EntitlementReason =
  'account_suspended' | 'unknown_user' | 'user_deactivated' | 'no_license' | 'feature_off' | 'licensed';

export interface EntitlementAnswer {
  entitled: boolean;
  reason: EntitlementReason;
}

/** A question about a product, and optionally one of its features (empty: the product alone). */
export interface EntitlementQuestion {
  productId: string;
  feature: string;
}

/**
 * One account's entitlements at one moment (an EntitlementSnapshotRecord), indexed so that each
 * question is two map lookups. Immutable: a change of the account builds a new one.
 */
export class AccountEntitlements {
  private readonly active = new Map<string, boolean>();
  private readonly held = new Map<string, Record<string, boolean>>();
  private readonly products: Map<string, CatalogProduct>;

  constructor(
    readonly snapshot: EntitlementSnapshotRecord,
    catalog: CatalogProduct[],
  ) {
    for (const user of snapshot.users) this.active.set(user.id, user.active);
    for (const license of snapshot.licenses)
      this.held.set(heldKey(license.userId, license.productId), license.features);
    this.products = new Map(catalog.map((p) => [p.id, p]));
  }

  /** The account's event sequence this answer reflects. */
  get sequence(): number {
    return this.snapshot.sequence;
  }

  /** The catalog's product, to check a question against (undefined: no such product). */
  product(productId: string): CatalogProduct | undefined {
    return this.products.get(productId);
  }

  /** Every product of the catalog, in id order: what an empty list of questions asks about. */
  get everyProduct(): EntitlementQuestion[] {
    return [...this.products.keys()].sort().map((productId) => ({ productId, feature: '' }));
  }

  check(userId: string, { productId, feature }: EntitlementQuestion): EntitlementAnswer {
    if (this.snapshot.suspended) return refused('account_suspended');
    const active = this.active.get(userId);
    if (active === undefined) return refused('unknown_user');
    if (!active) return refused('user_deactivated');
    const features = this.held.get(heldKey(userId, productId));
    if (!features) return refused('no_license');
    // A feature the license names no toggle for takes the product's default: on.
    if (feature !== '' && features[feature] === false) return refused('feature_off');
    return { entitled: true, reason: 'licensed' };
  }

  /** A rough size in bytes, for the read cache's budget. */
  get weight(): number {
    let bytes = 64 + this.snapshot.users.length * 48;
    for (const license of this.snapshot.licenses) bytes += 96 + 24 * Object.keys(license.features).length;
    return bytes;
  }
}

const heldKey = (userId: string, productId: string) => `${userId}\u0000${productId}`;
const refused = (reason: EntitlementReason): EntitlementAnswer => ({ entitled: false, reason });
