import type { CatalogProduct, CatalogSuite, LicenseBook, SubscriptionRecord } from '@acme/licensing-data-access';
import { AppError } from '@acme/util';

/**
 * The products a completed sales order adds seats to: every product of its product's suite when the
 * suite requires the same seat count for all (the catalog says which), or the product alone. Sales
 * agreed the order with the customer; a purchase or a reduction names what it changes instead
 * (`seatTarget`).
 */
export async function seatGroup(tx: LicenseBook, productId: string): Promise<CatalogProduct[]> {
  const { products, suite } = await seatTarget(tx, { productId, suiteId: '' });
  return suite?.parityRequired ? suite.products : products;
}

/** The products a purchase or a reduction changes, and their suite with every product of it. */
export interface SeatTarget {
  products: CatalogProduct[];
  suite: (CatalogSuite & { products: CatalogProduct[] }) | null;
}

/** What a purchase or a reduction names: one product, or a whole suite (exactly one of the two). */
export interface SeatTargetName {
  productId: string;
  suiteId: string;
}

/**
 * The products a purchase or a reduction changes, and the suite they belong to. Naming a suite
 * changes every product of it; naming a product changes that product alone, even inside a suite:
 * whether a suite's products may differ is the suite-parity rule's to decide (with every product
 * of the suite in its facts), never a silent widening of what the buyer named and was shown.
 */
export async function seatTarget(tx: LicenseBook, named: SeatTargetName): Promise<SeatTarget> {
  if (named.suiteId) {
    const suite = await tx.suite(named.suiteId);
    if (!suite) throw AppError.invalidArgument([{ field: 'suite_id', description: `unknown suite ${named.suiteId}` }]);
    const products = await tx.products(suite.productIds);
    return { products, suite: { ...suite, products } };
  }
  const [product] = await tx.products([named.productId]);
  if (!product)
    throw AppError.invalidArgument([{ field: 'product_id', description: `unknown product ${named.productId}` }]);
  const suite = product.suiteId ? await tx.suite(product.suiteId) : null;
  return { products: [product], suite: suite && { ...suite, products: await tx.products(suite.productIds) } };
}

/**
 * The rules' `suite` fact: the suite of the products changed, every product of it (`productIds`)
 * and its seat count after the change, in the same order: `after` for the products changed, the
 * purchased seats (`subscriptions`) for the others. Outside suites: the products changed alone.
 */
export function suiteFacts(
  target: SeatTarget,
  subscriptions: ReadonlyMap<string, { purchased: number }>,
  after: (productId: string) => number,
): { id: string | null; parityRequired: boolean; productIds: string[]; seatCountsAfter: number[] } {
  const changed = new Set(target.products.map((p) => p.id));
  const products = target.suite?.products ?? target.products;
  return {
    id: target.suite?.id ?? null,
    parityRequired: target.suite?.parityRequired ?? false,
    productIds: products.map((p) => p.id),
    seatCountsAfter: products.map((p) => (changed.has(p.id) ? after(p.id) : (subscriptions.get(p.id)?.purchased ?? 0))),
  };
}

/** The account's subscriptions of every product of the target's suite (or of its products), by product. */
export async function subscriptionsOfSuite(
  tx: LicenseBook,
  accountId: string,
  target: SeatTarget,
): Promise<Map<string, SubscriptionRecord>> {
  const products = target.suite?.products ?? target.products;
  const subscriptions = await tx.subscriptions(
    accountId,
    products.map((p) => p.id),
  );
  return new Map(subscriptions.map((s) => [s.productId, s]));
}
