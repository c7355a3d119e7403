import { defineEntity, p } from '@mikro-orm/core';
import { FIELD_LIMITS } from '../field-limits.js';

/** One product of an offering at the rate an account with the offering buys it at. */
export interface OfferedPrice {
  productId: string;
  unitPriceMinor: number;
  currency: string;
}

/**
 * What an account may buy, and at which rate (catalog/catalog.json's `offerings`, list prices filled
 * in); rows come from the catalog file, like products.
 */
export const OfferingSchema = defineEntity({
  name: 'Offering',
  tableName: 'offering',
  properties: {
    id: p.string().length(FIELD_LIMITS.id).primary(),
    name: p.string().length(FIELD_LIMITS.name),
    prices: p.json<OfferedPrice[]>(),
  },
});
export class Offering extends OfferingSchema.class {}
OfferingSchema.setClass(Offering);
