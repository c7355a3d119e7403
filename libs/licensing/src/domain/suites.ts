import type { CatalogProduct, CatalogSuite, LicenseBook } from '@acme/licensing-data-access';
import { AppError } from '@acme/util';

/**
 * The products a completed sales order adds seats to: every product of its product's suite when the
 * suite requires the same seat count for all (the catalog says which), or the product alone. Sales
 * agreed the order with the customer; a purchase or a reduction names what it changes instead
 * (`seatTarget`).
 */
export async function seatGroup(
  tx: LicenseBook,
  productId: string,
  field = 'product_id',
): Promise<{ product: CatalogProduct; group: CatalogProduct[]; parityRequired: boolean }> {
  const [product] = await tx.products([productId]);
  if (!product) throw AppError.invalidArgument([{ field, description: `unknown product ${productId}` }]);
  const suite = product.suiteId ? await tx.suite(product.suiteId) : null;
  if (!suite?.parityRequired) return { product, group: [product], parityRequired: false };
  return { product, group: await tx.products(suite.productIds), parityRequired: true };
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
export async function seatTarget(
  tx: LicenseBook,
  named: SeatTargetName,
): Promise<{ products: CatalogProduct[]; suite: (CatalogSuite & { products: CatalogProduct[] }) | null }> {
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
 * and its seat count after the change, in the same order. Outside suites: the product alone.
 */
export function suiteFacts(
  suite: CatalogSuite | null,
  products: { id: string; purchasedAfter: number }[],
): { id: string | null; parityRequired: boolean; productIds: string[]; seatCountsAfter: number[] } {
  return {
    id: suite?.id ?? null,
    parityRequired: suite?.parityRequired ?? false,
    productIds: products.map((p) => p.id),
    seatCountsAfter: products.map((p) => p.purchasedAfter),
  };
}
