import { events } from '@acme/contracts';
import type { BillingBasis, CatalogProduct, SubscriptionRecord } from '@acme/licensing-data-access';

/** An amount in minor units of a currency, as events and responses carry it. */
export const money = (amountMinor: number, currencyCode: string) => ({
  currencyCode,
  amountMinor: BigInt(amountMinor),
});

/** The catalog's billing basis as the event contract spells it. */
export const EVENT_BILLING_BASIS: Record<BillingBasis, events.BillingBasis> = {
  purchased_seats: events.BillingBasis.PURCHASED_SEATS,
  contact_center_member: events.BillingBasis.CONTACT_CENTER_MEMBER,
};

/**
 * The one price of a product for an account: the account's rate (its subscription) where it has
 * one, the catalog's otherwise, per the product's billing period, with what it is charged for (the
 * product's billing basis). Every event that carries a price takes it from here.
 */
export function priceOf(
  product: CatalogProduct,
  subscription?: Pick<SubscriptionRecord, 'unitPriceMinor' | 'currency'>,
) {
  const rate = subscription ?? { unitPriceMinor: product.unitPriceMinor, currency: product.currency };
  return {
    unitPrice: money(rate.unitPriceMinor, rate.currency),
    billingPeriod: product.billingPeriod,
    billingBasis: EVENT_BILLING_BASIS[product.billingBasis],
  };
}

/**
 * What adding `quantity` seats charges now: their price when the product is billed per purchased
 * seat; nothing when it is billed per contact-center queue member (billing starts with a queue).
 */
export function chargeForAddedSeats(product: CatalogProduct, unitPriceMinor: number, quantity: number): number {
  return product.billingBasis === 'purchased_seats' ? unitPriceMinor * quantity : 0;
}
