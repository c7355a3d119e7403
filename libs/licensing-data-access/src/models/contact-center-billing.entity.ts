import { defineEntity, p } from '@mikro-orm/core';
import { Account } from './account.entity.js';
import { User } from './user.entity.js';
import { FIELD_LIMITS } from '../field-limits.js';

/**
 * A user billed for Contact Center now: written when a rule's `billing_start` effect starts the
 * billing (their first queue), removed when `billing_stop` ends it (their last queue). The row is
 * licensing's side of what the ledger holds: since when, which rules decided it and which request.
 */
export const ContactCenterBillingSchema = defineEntity({
  name: 'ContactCenterBilling',
  tableName: 'cc_billing',
  indexes: [{ name: 'cc_billing_account_idx', properties: ['account'] }],
  properties: {
    user: () => p.oneToOne(User).owner().primary(),
    account: () => p.manyToOne(Account),
    productId: p.string().length(FIELD_LIMITS.id),
    since: p.datetime(),
    /** Ids of the rules whose effects started the billing. */
    ruleIds: p.json<string[]>(),
    /** The request that started it: the causation id of its audit entry and event. */
    causationId: p.string().length(FIELD_LIMITS.causationId),
  },
});
export class ContactCenterBilling extends ContactCenterBillingSchema.class {}
ContactCenterBillingSchema.setClass(ContactCenterBilling);
