import { defineEntity, p } from '@mikro-orm/core';
import { Account } from './account.entity.js';
import { Product } from './product.entity.js';
import { User } from './user.entity.js';
import { FIELD_LIMITS } from '../field-limits.js';

/** A seat of a product held by a user (`asg_…`), with the user's feature toggles. */
export const AssignmentSchema = defineEntity({
  name: 'Assignment',
  tableName: 'assignment',
  uniques: [{ name: 'assignment_user_product_uq', properties: ['user', 'product'] }],
  indexes: [{ name: 'assignment_account_product_idx', properties: ['account', 'product'] }],
  properties: {
    id: p.string().length(FIELD_LIMITS.id).primary(),
    account: () => p.manyToOne(Account),
    user: () => p.manyToOne(User),
    product: () => p.manyToOne(Product),
    features: p.json<Record<string, boolean>>(),
    createdAt: p.datetime(),
  },
});
export class Assignment extends AssignmentSchema.class {}
AssignmentSchema.setClass(Assignment);
