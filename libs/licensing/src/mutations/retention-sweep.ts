import type { Principal } from '@acme/auth';
import { outboxEvents } from './outbox-events.js';
import type { MutationDeps } from './run-mutation.js';

/** The identity recorded for changes the platform makes by itself. */
export const RETENTION_ACTOR: Principal = { subject: 'system:retention', kind: 'service', accountId: null, roles: [], permissions: [], scopes: [], tokenId: null };

/**
 * Purges phone configurations whose retention window has ended, with an audit row and a
 * configuration.purged event each. Idempotent; the service runs it on a timer, tests call it
 * with an injected clock.
 */
export async function purgeExpiredPhoneConfigurations(deps: MutationDeps): Promise<number> {
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const purged = await tx.purgeExpiredPhoneConfigurations(now);
    for (const config of purged) {
      const causationId = `retention-sweep:${now.toISOString()}`;
      tx.appendAudit([{ accountId: config.accountId, actor: RETENTION_ACTOR.subject, action: 'configuration.purged', resourceType: 'phone_configuration', resourceId: config.userId, before: { productId: config.productId, settings: config.settings }, after: null, causationId, occurredAt: now }]);
      await tx.appendEvents(config.accountId, outboxEvents({ accountId: config.accountId, principal: RETENTION_ACTOR, causationId, occurredAt: now }, [
        { case: 'configurationPurged', value: { userId: config.userId, productId: config.productId } },
      ]));
    }
    return purged.length;
  });
}

