import { defineEntity, p } from '@mikro-orm/core';
import { Account } from './account.entity.js';
import { User } from './user.entity.js';
import { FIELD_LIMITS } from '../field-limits.js';

/**
 * A user's GoTo Connect phone configuration. When the license is removed it is kept until
 * `retainedUntil` (7 days by policy) and restored if the license returns in time; then purged.
 */
export const PhoneConfigurationSchema = defineEntity({
  name: 'PhoneConfiguration',
  tableName: 'phone_configuration',
  indexes: [{ name: 'phone_configuration_retained_until_idx', properties: ['retainedUntil'] }],
  properties: {
    id: p.string().length(FIELD_LIMITS.id).primary(),
    account: () => p.manyToOne(Account),
    user: () => p.oneToOne(User).owner().unique('phone_configuration_user_uq'),
    productId: p.string().length(FIELD_LIMITS.id),
    settings: p.json<Record<string, boolean>>(),
    retainedUntil: p.datetime().nullable(),
  },
});
export class PhoneConfiguration extends PhoneConfigurationSchema.class {}
PhoneConfigurationSchema.setClass(PhoneConfiguration);
