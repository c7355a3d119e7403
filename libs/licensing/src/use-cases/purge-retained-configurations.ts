import type { Database, PhoneConfigurationRecord } from '@acme/licensing-data-access';
import { purgeAuditEntry } from '../domain/phone-configuration.js';
import { RETENTION_ACTOR, type ChangeOrigin } from '../domain/change-origin.js';
import { outboxEvents } from '../domain/events.js';

/**
 * Purges the phone configurations whose retention window has ended, each with an audit entry and
 * a configuration.purged event, across accounts, and returns them. Idempotent: the service runs it
 * on a timer (RETENTION_SWEEP_MS) and an operator may run it now (RunRetentionSweep, whose request
 * id is then the causation).
 */
export async function purgeRetainedConfigurations(
  db: Database,
  now: Date,
  causationId = `retention-sweep:${now.toISOString()}`,
): Promise<(PhoneConfigurationRecord & { accountId: string })[]> {
  return db.transaction(async (tx) => {
    const purged = await tx.purgeExpiredPhoneConfigurations(now);
    for (const config of purged) {
      const origin: ChangeOrigin = {
        accountId: config.accountId,
        actor: RETENTION_ACTOR,
        causationId,
        occurredAt: now,
      };
      tx.appendAudit([purgeAuditEntry(origin, config)]);
      await tx.appendEvents(
        config.accountId,
        outboxEvents(origin, [
          { case: 'configurationPurged', value: { userId: config.userId, productId: config.productId } },
        ]),
      );
    }
    return purged;
  });
}
