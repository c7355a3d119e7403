import { defineEntity, p } from '@mikro-orm/core';

/** A customer account (`acct_…`). */
export const AccountSchema = defineEntity({
  name: 'Account',
  tableName: 'account',
  properties: {
    id: p.string().length(64).primary(),
    name: p.string().length(200),
    kind: p.enum(['self_service', 'sales_managed'] as const),
    style: p.enum(['goto', 'zendesk'] as const),
    legacyPlan: p.boolean().default(false),
    cardOnFile: p.boolean().default(false),
    ownerUserId: p.string().length(64).nullable(),
    createdAt: p.datetime(),
    /** Last per-account event sequence handed out; bumped under the row lock, so events are gap-free and ordered. */
    eventSequence: p.integer().default(0),
  },
});
export class Account extends AccountSchema.class {}
AccountSchema.setClass(Account);
