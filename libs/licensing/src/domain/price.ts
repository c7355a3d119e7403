import type { CatalogProduct, SubscriptionRecord } from '@acme/licensing-data-access';

/** An amount in minor units of a currency, as events and responses carry it. */
export const money = (amountMinor: number, currencyCode: string) => ({
  currencyCode,
  amountMinor: BigInt(amountMinor),
});

/**
 * The one price of a product for an account: the account's rate (its subscription) where it has
 * one, the catalog's otherwise, per the product's billing period. Every event that carries a
 * price takes it from here.
 */
export function priceOf(
  product: CatalogProduct,
  subscription?: Pick<SubscriptionRecord, 'unitPriceMinor' | 'currency'>,
) {
  const rate = subscription ?? { unitPriceMinor: product.unitPriceMinor, currency: product.currency };
  return { unitPrice: money(rate.unitPriceMinor, rate.currency), billingPeriod: product.billingPeriod };
}
