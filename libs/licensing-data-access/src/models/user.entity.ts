import { defineEntity, p } from '@mikro-orm/core';
import { Account } from './account.entity.js';
import { FIELD_LIMITS } from '../field-limits.js';

/** A person in an account (`usr_…`). */
export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'app_user',
  uniques: [{ name: 'app_user_account_email_uq', properties: ['account', 'email'] }],
  properties: {
    id: p.string().length(FIELD_LIMITS.id).primary(),
    account: () => p.manyToOne(Account),
    email: p.string().length(FIELD_LIMITS.email),
    displayName: p.string().length(FIELD_LIMITS.name),
    roles: p.json<string[]>(),
    permissions: p.json<string[]>(),
    createdAt: p.datetime(),
    /** Set while the user is deactivated: no licenses, no queues, no sign-in. */
    deactivatedAt: p.datetime().nullable(),
  },
});
export class User extends UserSchema.class {}
UserSchema.setClass(User);
