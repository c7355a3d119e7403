import type { AuditInput, PhoneConfigurationRecord, PhoneSettings } from '@acme/licensing-data-access';
import { auditEntry } from './audit.js';
import type { ChangeOrigin } from './change-origin.js';

/** What a new phone configuration holds: the GoTo app, voicemail on, no forwarding, no extension yet. */
export const DEFAULT_PHONE_SETTINGS: PhoneSettings = {
  extension: '',
  callerIdNumber: '',
  devices: [{ kind: 'softphone', label: 'GoTo app' }],
  forwarding: { enabled: false, toNumber: '', afterRings: 4 },
  voicemail: { enabled: true, transcription: false, greeting: 'default' },
};

/** The configuration a user gets with a phone product they had none of (or whose was purged). */
export function newPhoneConfiguration(
  userId: string,
  productId: string,
  features: Record<string, boolean>,
): PhoneConfigurationRecord {
  return { userId, productId, settings: structuredClone(DEFAULT_PHONE_SETTINGS), features, retainedUntil: null };
}

/** The parts of the phone that differ, by name (what a change event and its audit entry name). */
export function changedParts(before: PhoneSettings, after: PhoneSettings): (keyof PhoneSettings)[] {
  return (Object.keys(after) as (keyof PhoneSettings)[]).filter(
    (part) => JSON.stringify(before[part]) !== JSON.stringify(after[part]),
  );
}

/** The audit entry of a purged configuration (the sweep's, or an assignment's that found it expired): what went. */
export function purgeAuditEntry(origin: ChangeOrigin, config: PhoneConfigurationRecord): AuditInput {
  const { productId, settings } = config;
  return auditEntry(
    origin,
    'configuration.purged',
    { type: 'phone_configuration', id: config.userId },
    { productId, settings },
    null,
  );
}
