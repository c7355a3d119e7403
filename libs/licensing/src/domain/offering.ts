import type { AccountRecord, CatalogProduct, LicenseBook } from '@acme/licensing-data-access';
import { AppError } from '@acme/util';

/** The rate of one seat of a product for an account. */
export interface Rate {
  unitPriceMinor: number;
  currency: string;
}

/**
 * The rates at which the account buys `products`: its offering's (catalog/catalog.json's
 * `offerings`, which an operator edits like the catalog). A product outside the offering, or an
 * account without one, is refused with NOT_OFFERED naming every product refused: an account buys
 * only what it was offered, never whatever the catalog holds.
 */
export async function offeredRates(
  tx: LicenseBook,
  account: AccountRecord,
  products: CatalogProduct[],
): Promise<Map<string, Rate>> {
  const offering = account.offeringId ? await tx.offering(account.offeringId) : null;
  const rates = new Map((offering?.prices ?? []).map((p) => [p.productId, p]));
  const refused = products.filter((p) => !rates.has(p.id)).map((p) => p.id);
  if (refused.length > 0) {
    const which = offering ? `its offering is ${offering.id}` : 'it has no offering';
    throw new AppError('failed_precondition', `not offered to this account (${which}): ${refused.join(', ')}`, {
      reason: 'NOT_OFFERED',
      metadata: { product_ids: refused.join(','), offering_id: offering?.id ?? '' },
    });
  }
  return new Map(products.map((p) => [p.id, rates.get(p.id)!]));
}
