import { defineEntity, p } from '@mikro-orm/core';
import { FIELD_LIMITS } from '../field-limits.js';

/** A customer account (`acct_…`). */
export const AccountSchema = defineEntity({
  name: 'Account',
  tableName: 'account',
  properties: {
    id: p.string().length(FIELD_LIMITS.id).primary(),
    name: p.string().length(FIELD_LIMITS.name),
    kind: p.enum(['self_service', 'sales_managed'] as const),
    style: p.enum(['goto', 'zendesk'] as const),
    legacyPlan: p.boolean().default(false),
    cardOnFile: p.boolean().default(false),
    ownerUserId: p.string().length(FIELD_LIMITS.id).nullable(),
    /** What the account may buy and at which rates (an offering of the catalog file); null: nothing. */
    offeringId: p.string().length(FIELD_LIMITS.id).nullable(),
    /** ISO 4217 code of the account's rates and charges (the default fills rows from before it existed). */
    currency: p.string().length(3).default('USD'),
    /** The payment provider's billing profile that holds the card; never card data. */
    billingProfileId: p.string().length(FIELD_LIMITS.id).nullable(),
    createdAt: p.datetime(),
    /** A suspended account keeps its data, but none of its users is entitled to anything (CheckEntitlements). */
    suspended: p.boolean().default(false),
    /** Last per-account event sequence handed out; bumped under the row lock, so events are gap-free and ordered. */
    eventSequence: p.integer().default(0),
  },
});
export class Account extends AccountSchema.class {}
AccountSchema.setClass(Account);
