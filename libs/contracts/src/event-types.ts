import type { EventEnvelope } from './gen/acme/licensing/events/v1/events_pb.js';

/** The name of one payload case of the events v1 envelope, e.g. `licenseAssigned`. */
export type EventPayloadCase = NonNullable<EventEnvelope['payload']['case']>;

/**
 * The envelope's `event_type` for each payload case. Producers stamp it and consumers check that
 * the two agree; billing pipelines match on these dotted names, so they never change once used.
 */
export const EVENT_TYPE_BY_CASE: Readonly<Record<EventPayloadCase, string>> = {
  seatsPurchased: 'seats.purchased',
  seatsReduced: 'seats.reduced',
  seatsRequestedFromSales: 'seats.requested_from_sales',
  salesOrderCompleted: 'sales_order.completed',
  licenseAssigned: 'license.assigned',
  licenseUnassigned: 'license.unassigned',
  featuresChanged: 'features.changed',
  agentDowngraded: 'agent.downgraded',
  seatsExhausted: 'seats.exhausted',
  contactCenterBillingStarted: 'contact_center.billing_started',
  contactCenterBillingStopped: 'contact_center.billing_stopped',
  configurationRetained: 'configuration.retained',
  configurationRestored: 'configuration.restored',
  configurationPurged: 'configuration.purged',
  notificationRequested: 'notification.requested',
  accountCreated: 'account.created',
  accountUpdated: 'account.updated',
  cardOnFileChanged: 'account.card_on_file_changed',
  salesOrderCancelled: 'sales_order.cancelled',
  phoneConfigurationChanged: 'phone_configuration.changed',
  seatThresholdTriggered: 'seat_threshold.triggered',
  seatThresholdResolved: 'seat_threshold.resolved',
};
