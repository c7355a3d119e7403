// Public API of the contracts: everything generated from proto/ (see README.md).
// The service package is exported flat; the events package as the `events` namespace, since
// both define a `Money` message.
export * from './gen/acme/licensing/v1/common_pb.js';
export * from './gen/acme/licensing/v1/catalog_pb.js';
export * from './gen/acme/licensing/v1/account_pb.js';
export * from './gen/acme/licensing/v1/user_pb.js';
export * from './gen/acme/licensing/v1/assignment_pb.js';
export * from './gen/acme/licensing/v1/seats_pb.js';
export * from './gen/acme/licensing/v1/quotes_pb.js';
export * from './gen/acme/licensing/v1/contact_center_pb.js';
export * from './gen/acme/licensing/v1/phone_pb.js';
export * from './gen/acme/licensing/v1/billable_state_pb.js';
export * from './gen/acme/licensing/v1/bulk_pb.js';
export * from './gen/acme/licensing/v1/entitlements_pb.js';
export * from './gen/acme/licensing/v1/operations_pb.js';
export * from './gen/acme/licensing/v1/audit_pb.js';
export * from './gen/acme/licensing/v1/decisions_pb.js';
export * from './gen/acme/licensing/v1/licensing_service_pb.js';
export * as events from './gen/acme/licensing/events/v1/events_pb.js';
// The billing API's package, as a namespace too (its Money is its own).
export * as billing from './gen/acme/billing/v1/billing_service_pb.js';
export * from './gen/google/rpc/status_pb.js';
// The standard health service, so reflection serves its schema as standard clients expect it.
export * as health from './gen/grpc/health/v1/health_pb.js';
export * from './gen/google/rpc/error_details_pb.js';
// Hand-written, beside the generated code: the event type name of each events v1 payload case.
export { EVENT_TYPE_BY_CASE } from './event-types.js';
export type { EventPayloadCase } from './event-types.js';
