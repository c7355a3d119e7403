import type { AuditInput } from '@acme/licensing-data-access';
import type { ChangeOrigin } from './change-origin.js';

/** One audit entry of a change: what was acted on, and how it looked before and after. */
export function auditEntry(
  origin: ChangeOrigin,
  action: string,
  resource: { type: string; id: string },
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): AuditInput {
  return {
    accountId: origin.accountId,
    actor: origin.actor.subject,
    action,
    resourceType: resource.type,
    resourceId: resource.id,
    before,
    after,
    causationId: origin.causationId,
    occurredAt: origin.occurredAt,
  };
}
