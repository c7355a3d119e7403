import { defineEntity, p } from '@mikro-orm/core';
import { Account } from './account.entity.js';
import { FIELD_LIMITS } from '../field-limits.js';

/** One recorded change (`aud_…`): who, when, what before and after, and why (causation id). */
export const AuditEntrySchema = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_entry',
  indexes: [
    { name: 'audit_entry_account_time_idx', properties: ['account', 'occurredAt'] },
    // "What did this request change?": from a request id (and from billing's causation ids).
    { name: 'audit_entry_account_causation_idx', properties: ['account', 'causationId'] },
  ],
  properties: {
    id: p.string().length(FIELD_LIMITS.id).primary(),
    account: () => p.manyToOne(Account),
    actor: p.string().length(FIELD_LIMITS.actor),
    action: p.string().length(100),
    resourceType: p.string().length(50),
    resourceId: p.string().length(FIELD_LIMITS.resourceId),
    before: p.json<Record<string, unknown>>().nullable(),
    after: p.json<Record<string, unknown>>().nullable(),
    causationId: p.string().length(FIELD_LIMITS.causationId),
    occurredAt: p.datetime(),
  },
});
export class AuditEntry extends AuditEntrySchema.class {}
AuditEntrySchema.setClass(AuditEntry);
