import { defineEntity, p } from '@mikro-orm/core';
import { FIELD_LIMITS } from '../field-limits.js';

/**
 * One decision of the policy rules (`dec_…`): the facts they saw (without params), what they
 * answered and with which rule set, for whom and when. No foreign key to the account: a refused
 * CreateAccount is decided for an account that never exists, and the log outlives deleted rows.
 */
export const DecisionRecordSchema = defineEntity({
  name: 'DecisionRecord',
  tableName: 'decision_log',
  indexes: [
    { name: 'decision_log_account_time_idx', properties: ['accountId', 'decidedAt'] },
    { name: 'decision_log_account_request_idx', properties: ['accountId', 'requestId'] },
    // Retention deletes, and impact reads, by time across accounts.
    { name: 'decision_log_time_idx', properties: ['decidedAt'] },
  ],
  properties: {
    id: p.string().length(FIELD_LIMITS.id).primary(),
    accountId: p.string().length(FIELD_LIMITS.id),
    requestId: p.string().length(FIELD_LIMITS.causationId),
    point: p.string().length(50),
    stage: p.string().length(20),
    allowed: p.boolean(),
    dryRun: p.boolean(),
    ruleSetVersion: p.string().length(64),
    actor: p.string().length(FIELD_LIMITS.actor),
    actorKind: p.string().length(10),
    facts: p.json<Record<string, unknown>>(),
    outcome: p.json<Record<string, unknown>>(),
    decidedAt: p.datetime(),
  },
});
export class DecisionRecord extends DecisionRecordSchema.class {}
DecisionRecordSchema.setClass(DecisionRecord);
