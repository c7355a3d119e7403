import type { MessageInitShape } from '@bufbuild/protobuf';
import { EntitlementChangeKind, type EntitlementChangeSchema, type events } from '@acme/contracts';

type Change = MessageInitShape<typeof EntitlementChangeSchema>;

/**
 * What an event did to the account's entitlements, or null when it did nothing to them (seats
 * bought, queues, phone configurations, notices). Every change of an entitlement has its event:
 * a license given or taken (also by a downgrade, a transfer or a deactivation), toggles changed,
 * the account suspended or resumed.
 */
export function entitlementChangeOf(envelope: events.EventEnvelope): Change | null {
  const base = { sequence: envelope.sequence, eventType: envelope.eventType, causationId: envelope.causationId };
  const { payload } = envelope;
  switch (payload.case) {
    case 'licenseAssigned':
      return {
        ...base,
        kind: EntitlementChangeKind.GRANTED,
        userId: payload.value.userId,
        productId: payload.value.productId,
        features: payload.value.features,
      };
    case 'licenseUnassigned':
    case 'agentDowngraded':
      return {
        ...base,
        kind: EntitlementChangeKind.REVOKED,
        userId: payload.value.userId,
        productId: payload.value.productId,
      };
    case 'featuresChanged':
      return {
        ...base,
        kind: EntitlementChangeKind.FEATURES_CHANGED,
        userId: payload.value.userId,
        productId: payload.value.productId,
        features: payload.value.after,
      };
    case 'accountUpdated':
      return { ...base, kind: EntitlementChangeKind.ACCOUNT_STATE, suspended: payload.value.suspended };
    default:
      return null;
  }
}
