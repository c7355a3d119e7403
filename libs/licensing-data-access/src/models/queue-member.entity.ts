import { defineEntity, p } from '@mikro-orm/core';
import { Account } from './account.entity.js';
import { Queue } from './queue.entity.js';
import { User } from './user.entity.js';
import { FIELD_LIMITS } from '../field-limits.js';

/** A user's membership in a queue as agent or supervisor; any membership makes them billable. */
export const QueueMemberSchema = defineEntity({
  name: 'QueueMember',
  tableName: 'cc_queue_member',
  uniques: [{ name: 'cc_queue_member_queue_user_uq', properties: ['queue', 'user'] }],
  indexes: [{ name: 'cc_queue_member_account_user_idx', properties: ['account', 'user'] }],
  properties: {
    id: p.string().length(FIELD_LIMITS.id).primary(),
    account: () => p.manyToOne(Account),
    queue: () => p.manyToOne(Queue),
    user: () => p.manyToOne(User),
    role: p.enum(['agent', 'supervisor'] as const),
    createdAt: p.datetime(),
  },
});
export class QueueMember extends QueueMemberSchema.class {}
QueueMemberSchema.setClass(QueueMember);
