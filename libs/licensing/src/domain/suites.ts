import type { CatalogProduct, LicenseBook } from '@acme/licensing-data-access';
import { AppError } from '@acme/util';

/**
 * The products whose seats move together when `productId`'s seats change: every product of its
 * suite (suite parity), or the product alone.
 */
export async function seatGroup(tx: LicenseBook, productId: string, field = 'product_id'): Promise<{ product: CatalogProduct; group: CatalogProduct[] }> {
  const [product] = await tx.products([productId]);
  if (!product) throw AppError.invalidArgument([{ field, description: `unknown product ${productId}` }]);
  return { product, group: product.suiteId ? await tx.suiteProducts(product.suiteId) : [product] };
}
