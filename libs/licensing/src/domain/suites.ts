import type { CatalogProduct, LicenseBook } from '@acme/licensing-data-access';
import { AppError } from '@acme/util';

/**
 * The products whose seats move together when `productId`'s seats change: every product of its
 * suite when the suite requires the same seat count for all (the catalog says which), or the
 * product alone. `parityRequired` is the rules' `suite.parityRequired` fact.
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
