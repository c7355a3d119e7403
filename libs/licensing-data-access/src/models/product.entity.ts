import { defineEntity, p } from '@mikro-orm/core';
import { Suite } from './suite.entity.js';
import { FIELD_LIMITS } from '../field-limits.js';

/** A product sold in seats; rows come from catalog/catalog.json. */
export const ProductSchema = defineEntity({
  name: 'Product',
  tableName: 'product',
  properties: {
    id: p.string().length(FIELD_LIMITS.id).primary(),
    name: p.string().length(FIELD_LIMITS.name),
    vendor: p.enum(['goto', 'zendesk'] as const),
    features: p.json<string[]>(),
    suite: () => p.manyToOne(Suite).nullable(),
    unitPriceMinor: p.integer(),
    currency: p.string().length(3),
    billingPeriod: p.enum(['month', 'year'] as const),
    // The catalog file states it; the default only fills rows stored before the column existed.
    billingBasis: p.enum(['purchased_seats', 'contact_center_member'] as const).default('purchased_seats'),
  },
});
export class Product extends ProductSchema.class {}
ProductSchema.setClass(Product);
