import { defineEntity, p } from '@mikro-orm/core';
import { Account } from './account.entity.js';
import { User } from './user.entity.js';
import { FIELD_LIMITS } from '../field-limits.js';
import type { PhoneSettings } from '../records.js';

/**
 * A user's GoTo Connect phone configuration. When the license is removed it is kept until
 * `retainedUntil` (7 days by policy), with the license's feature toggles as they were at removal,
 * and restored if the license returns in time; then purged. The extension is a column of its own:
 * unique in the account, retained configurations included (their extension is still theirs).
 */
export const PhoneConfigurationSchema = defineEntity({
  name: 'PhoneConfiguration',
  tableName: 'phone_configuration',
  indexes: [{ name: 'phone_configuration_retained_until_idx', properties: ['retainedUntil'] }],
  uniques: [{ name: 'phone_configuration_extension_uq', properties: ['account', 'extension'] }],
  properties: {
    id: p.string().length(FIELD_LIMITS.id).primary(),
    account: () => p.manyToOne(Account),
    user: () => p.oneToOne(User).owner().unique('phone_configuration_user_uq'),
    productId: p.string().length(FIELD_LIMITS.id),
    extension: p.string().length(FIELD_LIMITS.extension).nullable(),
    /** Caller id, devices, forwarding and voicemail (PhoneSettings without the extension). */
    settings: p.json<Omit<PhoneSettings, 'extension'>>(),
    features: p.json<Record<string, boolean>>().defaultRaw("'{}'"),
    retainedUntil: p.datetime().nullable(),
  },
});
export class PhoneConfiguration extends PhoneConfigurationSchema.class {}
PhoneConfigurationSchema.setClass(PhoneConfiguration);
