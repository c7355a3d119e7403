import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPE_BY_CASE, LicensingService, OperationsService, events } from './index.js';

const isRead = (name: string) => /^(Get|List|Check|Watch)[A-Z]/.test(name);

describe('licensing v1 contract', () => {
  it('offers every operation of the domain', () => {
    expect(LicensingService.methods.map((m) => m.name).sort()).toEqual(
      [
        'AddQueueMember',
        'AssignLicenses',
        'BulkAssignLicenses',
        'BulkUnassignLicenses',
        'CancelSalesOrder',
        'CheckEntitlements',
        'CheckoutQuote',
        'CompleteSalesOrder',
        'CreateAccount',
        'CreateQueue',
        'CreateQuote',
        'CreateUser',
        'DeactivateUser',
        'DeleteQueue',
        'DeleteUser',
        'GetAccount',
        'GetAssignment',
        'GetBillableState',
        'GetPhoneConfiguration',
        'GetQueue',
        'GetSalesOrder',
        'GetSeatUsage',
        'GetUser',
        'ListAccounts',
        'ListAssignments',
        'ListAuditEvents',
        'ListDecisions',
        'ListProducts',
        'ListQueues',
        'ListSalesOrders',
        'ListUsers',
        'PurchaseSeats',
        'ReactivateUser',
        'ReduceSeats',
        'RemoveQueueMember',
        'RemoveUserFromAllQueues',
        'RenameQueue',
        'RequestSeatsFromSales',
        'SetCardOnFile',
        'TransferLicense',
        'UnassignLicenses',
        'UpdateAccount',
        'UpdateFeatures',
        'UpdatePhoneConfiguration',
        'UpdateUser',
        'WatchEntitlements',
      ].sort(),
    );
  });

  it.each(LicensingService.methods.filter((m) => !isRead(m.name)).map((m) => [m.name, m] as const))(
    '%s (a mutation) takes validate_only and idempotency_key and answers with a decision',
    (_name, method) => {
      const fields = method.input.fields.map((f) => f.name);
      expect(fields).toContain('validate_only');
      expect(fields).toContain('idempotency_key');
      expect(method.output.fields.map((f) => f.name)).toContain('decision');
    },
  );

  it.each(LicensingService.methods.map((m) => [m.name, m] as const))(
    '%s names the account it acts on',
    (_name, method) => {
      if (method.name === 'ListProducts') return; // the catalog is global
      if (method.name === 'CreateAccount') return; // it makes the account
      if (method.name === 'ListAccounts') return; // the back office lists every account
      expect(method.input.fields.map((f) => f.name)).toContain('account_id');
    },
  );
});

describe('operations v1 contract', () => {
  // Operators' work is apart from the tenants' API: no account, no idempotency, its own scope.
  it('offers the retention sweep and the staging clock, and nothing of a tenant', () => {
    expect(OperationsService.methods.map((m) => m.name).sort()).toEqual(['RunRetentionSweep', 'SetClockOffset']);
    for (const method of OperationsService.methods)
      expect(method.input.fields.map((f) => f.name)).not.toContain('account_id');
  });
});

describe('events v1 contract', () => {
  it('round-trips an envelope through the binary wire format', () => {
    const envelope = create(events.EventEnvelopeSchema, {
      eventId: '3f1c2a9e-0000-4000-8000-000000000001',
      eventType: 'license.assigned',
      accountId: 'acct_1',
      occurTime: timestampFromDate(new Date('2026-11-01T10:00:00Z')),
      sequence: 7n,
      actor: { subject: 'usr_1', kind: events.ActorKind.USER },
      causationId: 'req-1',
      payload: {
        case: 'licenseAssigned',
        value: { assignmentId: 'asg_1', userId: 'usr_2', productId: 'goto_meeting', features: { hd_video: true } },
      },
    });
    const decoded = fromBinary(events.EventEnvelopeSchema, toBinary(events.EventEnvelopeSchema, envelope));
    expect(decoded).toEqual(envelope);
    expect(decoded.payload.case).toBe('licenseAssigned');
  });

  it('has a payload for every event type billing and notifications need', () => {
    const cases = events.EventEnvelopeSchema.oneofs.find((o) => o.name === 'payload')!.fields.map((f) => f.name);
    expect(cases).toEqual([
      'seats_purchased',
      'seats_reduced',
      'seats_requested_from_sales',
      'sales_order_completed',
      'license_assigned',
      'license_unassigned',
      'features_changed',
      'agent_downgraded',
      'seats_exhausted',
      'contact_center_billing_started',
      'contact_center_billing_stopped',
      'configuration_retained',
      'configuration_restored',
      'configuration_purged',
      'notification_requested',
      'account_created',
      'account_updated',
      'card_on_file_changed',
      'sales_order_cancelled',
      'phone_configuration_changed',
      'seat_threshold_triggered',
      'seat_threshold_resolved',
    ]);
  });

  it('names every payload case with one distinct dotted event type', () => {
    const cases = events.EventEnvelopeSchema.oneofs.find((o) => o.name === 'payload')!.fields.map((f) => f.localName);
    expect(Object.keys(EVENT_TYPE_BY_CASE).sort()).toEqual([...cases].sort());
    const types = Object.values(EVENT_TYPE_BY_CASE);
    expect(new Set(types).size).toBe(types.length);
    for (const type of types) expect(type).toMatch(/^[a-z_]+\.[a-z_]+$/);
  });
});
