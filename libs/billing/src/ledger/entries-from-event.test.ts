import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { TimestampSchema, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPE_BY_CASE, events } from '@acme/contracts';
import { interpretEvent } from './entries-from-event.js';
import type { LedgerEntry } from './ledger-entry.js';

type PayloadInit = NonNullable<MessageInitShape<typeof events.EventEnvelopeSchema>['payload']>;
type EnvelopeFields = Partial<Omit<events.EventEnvelope, '$typeName' | '$unknown' | 'payload'>>;

const EFFECTIVE = new Date('2026-11-05T10:00:00Z');
const at = timestampFromDate(EFFECTIVE);
const PRICE = { unitPrice: { currencyCode: 'USD', amountMinor: 2700n }, billingPeriod: 'month' };

/** A valid envelope around `payload`, with event_type stamped from the payload case. */
function envelope(payload: PayloadInit | undefined, overrides: EnvelopeFields = {}): events.EventEnvelope {
  const message = create(events.EventEnvelopeSchema, {
    eventId: 'evt-1',
    eventType: payload?.case ? EVENT_TYPE_BY_CASE[payload.case] : '',
    accountId: 'acct_1',
    occurTime: timestampFromDate(new Date('2026-11-05T10:00:01Z')),
    sequence: 7n,
    actor: { subject: 'usr_admin', kind: events.ActorKind.USER },
    causationId: 'req-1',
    ...(payload ? { payload } : {}),
  });
  return Object.assign(message, overrides);
}

const entry = (fields: Partial<LedgerEntry>): LedgerEntry => ({
  id: 'v1:evt-1:0',
  eventId: 'evt-1',
  accountId: 'acct_1',
  sequence: 7,
  kind: 'seats_added',
  productId: 'prod_a',
  userId: null,
  assignmentId: null,
  quantity: 1,
  unitPriceMinor: 2700,
  currency: 'USD',
  billingPeriod: 'month',
  billingBasis: null,
  effectiveAt: EFFECTIVE,
  reason: 'purchase',
  ...fields,
});
const NO_PRICE = { unitPriceMinor: null, currency: null, billingPeriod: null };

const assigned: PayloadInit = {
  case: 'licenseAssigned',
  value: {
    assignmentId: 'asg_1',
    userId: 'usr_1',
    productId: 'prod_a',
    features: { voicemail: true },
    price: PRICE,
    effectiveTime: at,
  },
};

describe('interpretEvent: the billing basis', () => {
  it.each([
    [events.BillingBasis.PURCHASED_SEATS, 'purchased_seats'],
    [events.BillingBasis.CONTACT_CENTER_MEMBER, 'contact_center_member'],
    [events.BillingBasis.UNSPECIFIED, null],
  ] as const)('records basis %s as %s', (billingBasis, recorded) => {
    const result = interpretEvent(
      envelope({
        case: 'seatsPurchased',
        value: {
          productId: 'prod_a',
          quantity: 3,
          purchasedAfter: 8,
          price: { ...PRICE, billingBasis },
          effectiveTime: at,
        },
      }),
    );
    expect(result).toMatchObject({ outcome: 'entries', entries: [{ billingBasis: recorded }] });
  });
});

describe('interpretEvent: money-relevant events', () => {
  it.each<[string, PayloadInit, Partial<LedgerEntry>]>([
    [
      'seats_purchased',
      {
        case: 'seatsPurchased',
        value: { productId: 'prod_a', quantity: 3, purchasedAfter: 8, price: PRICE, effectiveTime: at },
      },
      { kind: 'seats_added', quantity: 3, reason: 'purchase' },
    ],
    [
      'sales_order_completed',
      {
        case: 'salesOrderCompleted',
        value: {
          orderId: 'ord_1',
          productId: 'prod_a',
          quantity: 20,
          purchasedAfter: 25,
          price: PRICE,
          effectiveTime: at,
          completedBy: 'svc:sales',
        },
      },
      { kind: 'seats_added', quantity: 20, reason: 'sales_order' },
    ],
    [
      'seats_reduced',
      {
        case: 'seatsReduced',
        value: { productId: 'prod_a', quantity: 2, purchasedAfter: 6, price: PRICE, effectiveTime: at },
      },
      { kind: 'seats_removed', quantity: 2, reason: 'reduction' },
    ],
    ['license_assigned', assigned, { kind: 'seat_opened', userId: 'usr_1', assignmentId: 'asg_1', reason: 'assigned' }],
    [
      'license_unassigned',
      {
        case: 'licenseUnassigned',
        value: { assignmentId: 'asg_1', userId: 'usr_1', productId: 'prod_a', effectiveTime: at },
      },
      { kind: 'seat_closed', userId: 'usr_1', assignmentId: 'asg_1', reason: 'unassigned', ...NO_PRICE },
    ],
    [
      'agent_downgraded',
      {
        case: 'agentDowngraded',
        value: {
          assignmentId: 'asg_2',
          userId: 'usr_2',
          productId: 'prod_a',
          downgradeOrder: 'most_recent_first',
          effectiveTime: at,
        },
      },
      { kind: 'seat_closed', userId: 'usr_2', assignmentId: 'asg_2', reason: 'downgraded', ...NO_PRICE },
    ],
    [
      'contact_center_billing_started',
      {
        case: 'contactCenterBillingStarted',
        value: {
          userId: 'usr_1',
          queueId: 'q_1',
          productId: 'prod_cc',
          price: { unitPrice: { currencyCode: 'EUR', amountMinor: 9000n }, billingPeriod: 'year' },
          effectiveTime: at,
        },
      },
      {
        kind: 'cc_billing_started',
        productId: 'prod_cc',
        userId: 'usr_1',
        unitPriceMinor: 9000,
        currency: 'EUR',
        billingPeriod: 'year',
        reason: 'queue_joined',
      },
    ],
    [
      'contact_center_billing_stopped',
      { case: 'contactCenterBillingStopped', value: { userId: 'usr_1', productId: 'prod_cc', effectiveTime: at } },
      { kind: 'cc_billing_stopped', productId: 'prod_cc', userId: 'usr_1', reason: 'left_last_queue', ...NO_PRICE },
    ],
  ])('maps %s to one ledger entry', (_name, payload, expected) => {
    expect(interpretEvent(envelope(payload))).toEqual({ outcome: 'entries', entries: [entry(expected)] });
  });

  it('uses the effective time, not the occur time, and a matching Kafka key is fine', () => {
    const result = interpretEvent(
      envelope(assigned, { eventId: 'b2c1e7f0-0000-4000-8000-00000000000a', sequence: 123n }),
      { key: 'acct_1' },
    );
    expect(result).toMatchObject({
      outcome: 'entries',
      entries: [{ id: 'v1:b2c1e7f0-0000-4000-8000-00000000000a:0', sequence: 123, effectiveAt: EFFECTIVE }],
    });
  });

  it('gives the same entries for the same event every time (replays)', () => {
    expect(interpretEvent(envelope(assigned))).toEqual(interpretEvent(envelope(assigned)));
  });

  it('accepts a free (0) price', () => {
    const free = {
      ...assigned,
      value: {
        ...assigned.value,
        price: { unitPrice: { currencyCode: 'USD', amountMinor: 0n }, billingPeriod: 'month' },
      },
    } as PayloadInit;
    expect(interpretEvent(envelope(free))).toMatchObject({ outcome: 'entries', entries: [{ unitPriceMinor: 0 }] });
  });
});

describe('interpretEvent: events without a money effect', () => {
  it.each<[string, PayloadInit]>([
    [
      'seats_requested_from_sales',
      { case: 'seatsRequestedFromSales', value: { orderId: 'ord_1', productId: 'prod_a', quantity: 5 } },
    ],
    [
      'features_changed',
      {
        case: 'featuresChanged',
        value: {
          assignmentId: 'asg_1',
          userId: 'usr_1',
          productId: 'prod_a',
          before: { a: true },
          after: { a: false },
        },
      },
    ],
    ['seats_exhausted', { case: 'seatsExhausted', value: { productId: 'prod_a', purchased: 5 } }],
    [
      'seat_threshold_triggered',
      { case: 'seatThresholdTriggered', value: { productId: 'prod_a', percent: 80, assigned: 8, purchased: 10 } },
    ],
    [
      'seat_threshold_resolved',
      { case: 'seatThresholdResolved', value: { productId: 'prod_a', percent: 80, assigned: 7, purchased: 10 } },
    ],
    [
      'configuration_retained',
      { case: 'configurationRetained', value: { userId: 'usr_1', productId: 'prod_connect', purgeTime: at } },
    ],
    [
      'configuration_restored',
      { case: 'configurationRestored', value: { userId: 'usr_1', productId: 'prod_connect' } },
    ],
    ['configuration_purged', { case: 'configurationPurged', value: { userId: 'usr_1', productId: 'prod_connect' } }],
    [
      'phone_configuration_changed',
      {
        case: 'phoneConfigurationChanged',
        value: { userId: 'usr_1', productId: 'prod_connect', changed: ['extension'] },
      },
    ],
    [
      'notification_requested',
      {
        case: 'notificationRequested',
        value: { template: 'product_change', userId: 'usr_1', parameters: { product: 'prod_a' } },
      },
    ],
  ])('answers no_charge for %s', (_name, payload) => {
    expect(interpretEvent(envelope(payload))).toEqual({ outcome: 'no_charge' });
  });
});

describe('interpretEvent: unknown event types', () => {
  it('skips a newer type whose payload field this decoder does not know', () => {
    // What a newer producer sends: an unknown type and a payload in an unknown field (number 60).
    const bytes = toBinary(events.EventEnvelopeSchema, envelope(undefined, { eventType: 'seats.gifted' }));
    const decoded = fromBinary(events.EventEnvelopeSchema, new Uint8Array([...bytes, 0xe2, 0x03, 0x02, 0x08, 0x01]));
    expect(decoded.payload.case).toBeUndefined();
    expect(interpretEvent(decoded)).toEqual({ outcome: 'unknown_type', eventType: 'seats.gifted' });
  });

  it('treats an unknown type with a broken envelope as invalid', () => {
    expect(interpretEvent(envelope(undefined, { eventType: 'seats.gifted', eventId: '' }))).toEqual({
      outcome: 'invalid',
      reason: 'missing event_id',
    });
  });
});

describe('interpretEvent: invalid events (dead-letter reasons)', () => {
  const purchased = (value: Record<string, unknown>): PayloadInit =>
    ({
      case: 'seatsPurchased',
      value: { productId: 'prod_a', quantity: 3, purchasedAfter: 8, price: PRICE, effectiveTime: at, ...value },
    }) as PayloadInit;
  const assignedWith = (value: Record<string, unknown>): PayloadInit =>
    ({ case: 'licenseAssigned', value: { ...assigned.value, ...value } }) as PayloadInit;
  const priced = (currencyCode: string, amountMinor: bigint, billingPeriod = 'month') =>
    assignedWith({ price: { unitPrice: { currencyCode, amountMinor }, billingPeriod } });

  it.each<[string, events.EventEnvelope, string]>([
    ['an empty event_id', envelope(assigned, { eventId: '' }), 'missing event_id'],
    [
      'an event_id over 64 characters',
      envelope(assigned, { eventId: 'e'.repeat(65) }),
      'event_id: expected at most 64 characters, got 65',
    ],
    ['an empty account_id', envelope(assigned, { accountId: '' }), 'missing account_id'],
    ['sequence 0', envelope(assigned, { sequence: 0n }), 'sequence: expected >= 1, got 0'],
    [
      'a sequence beyond the 32-bit sequence columns',
      envelope(assigned, { sequence: 2n ** 31n }),
      'sequence: expected at most 2147483647, got 2147483648',
    ],
    ['no occur_time', envelope(assigned, { occurTime: undefined }), 'missing occur_time'],
    [
      'occur_time nanos out of range',
      envelope(assigned, { occurTime: create(TimestampSchema, { seconds: 1n, nanos: -1 }) }),
      'occur_time: expected a valid timestamp (0001-01-01 to 9999-12-31), got seconds=1 nanos=-1',
    ],
    [
      'an empty event_type',
      envelope(assigned, { eventType: '' }),
      'missing event_type (payload case "licenseAssigned")',
    ],
    ['no event_type and no payload', envelope(undefined), 'missing event_type; missing payload'],
    [
      'an event_type of another payload',
      envelope(purchased({}), { eventType: 'license.assigned' }),
      'event_type "license.assigned" does not match payload case "seatsPurchased"',
    ],
    [
      'an unknown event_type with a known payload',
      envelope(assigned, { eventType: 'license.gifted' }),
      'unknown event_type "license.gifted" with known payload case "licenseAssigned"',
    ],
    [
      'a known event_type without a payload',
      envelope(undefined, { eventType: 'license.assigned' }),
      'event_type "license.assigned" has no payload (expected payload case "licenseAssigned")',
    ],
    ['a missing product_id', envelope(purchased({ productId: '' })), 'missing seats_purchased.product_id'],
    ['a blank user_id', envelope(assignedWith({ userId: '  ' })), 'missing license_assigned.user_id'],
    ['a missing assignment_id', envelope(assignedWith({ assignmentId: '' })), 'missing license_assigned.assignment_id'],
    ['quantity 0', envelope(purchased({ quantity: 0 })), 'seats_purchased.quantity: expected > 0, got 0'],
    [
      'a negative quantity',
      envelope({ case: 'seatsReduced', value: { productId: 'prod_a', quantity: -2, price: PRICE, effectiveTime: at } }),
      'seats_reduced.quantity: expected > 0, got -2',
    ],
    ['no price', envelope(purchased({ price: undefined })), 'missing seats_purchased.price'],
    [
      'no unit price',
      envelope(purchased({ price: { billingPeriod: 'month' } })),
      'missing seats_purchased.price.unit_price',
    ],
    ['no currency', envelope(priced('', 2700n)), 'missing license_assigned.price.unit_price.currency_code'],
    [
      'a malformed currency',
      envelope(priced('usd1', 2700n)),
      'license_assigned.price.unit_price.currency_code: expected a 3-letter ISO 4217 code, got "usd1"',
    ],
    [
      'a lower-case currency',
      envelope(priced('usd', 2700n)),
      'license_assigned.price.unit_price.currency_code: expected a 3-letter ISO 4217 code, got "usd"',
    ],
    [
      'a negative amount',
      envelope(priced('USD', -1n)),
      'license_assigned.price.unit_price.amount_minor: expected >= 0, got -1',
    ],
    [
      'an amount beyond exact numbers',
      envelope(priced('USD', 9007199254740992n)),
      'license_assigned.price.unit_price.amount_minor: expected at most 9007199254740991 (Number.MAX_SAFE_INTEGER), got 9007199254740992',
    ],
    ['no billing period', envelope(priced('USD', 2700n, '')), 'missing license_assigned.price.billing_period'],
    [
      'a weekly billing period',
      envelope(priced('USD', 2700n, 'week')),
      'license_assigned.price.billing_period: expected "month" or "year", got "week"',
    ],
    [
      "a billing basis this consumer does not know (a newer producer's)",
      envelope(assignedWith({ price: { ...PRICE, billingBasis: 7 } })),
      'license_assigned.price.billing_basis: unknown billing basis 7',
    ],
    ['no effective_time', envelope(purchased({ effectiveTime: undefined })), 'missing seats_purchased.effective_time'],
    [
      'a stop without user and time',
      envelope({ case: 'contactCenterBillingStopped', value: { productId: 'prod_cc' } }),
      'missing contact_center_billing_stopped.user_id; missing contact_center_billing_stopped.effective_time',
    ],
    [
      'a started interval without price',
      envelope({
        case: 'contactCenterBillingStarted',
        value: { userId: 'usr_1', queueId: 'q_1', productId: 'prod_cc', effectiveTime: at },
      }),
      'missing contact_center_billing_started.price',
    ],
    [
      'an unassignment without assignment',
      envelope({ case: 'licenseUnassigned', value: { userId: 'usr_1', productId: 'prod_a', effectiveTime: at } }),
      'missing license_unassigned.assignment_id',
    ],
    [
      'a downgrade without product',
      envelope({ case: 'agentDowngraded', value: { assignmentId: 'asg_1', userId: 'usr_1', effectiveTime: at } }),
      'missing agent_downgraded.product_id',
    ],
    [
      'a sales order without quantity',
      envelope({
        case: 'salesOrderCompleted',
        value: { orderId: 'ord_1', productId: 'prod_a', price: PRICE, effectiveTime: at },
      }),
      'sales_order_completed.quantity: expected > 0, got 0',
    ],
  ])('rejects %s', (_name, event, reason) => {
    expect(interpretEvent(event)).toEqual({ outcome: 'invalid', reason });
  });

  // What the ledger's columns cannot hold would fail its insert and be retried forever (found by
  // bad-events.e2e.test.ts on PostgreSQL): such events are refused, with short reasons.
  it.each<[string, events.EventEnvelope, string]>([
    [
      'an account_id over 64 characters',
      envelope(assigned, { accountId: 'a'.repeat(65) }),
      'account_id: expected at most 64 characters, got 65',
    ],
    [
      'a user_id over 64 characters',
      envelope(assignedWith({ userId: 'u'.repeat(100_000) })),
      'license_assigned.user_id: expected at most 64 characters, got 100000',
    ],
    [
      'a product_id over 64 characters',
      envelope(purchased({ productId: 'p'.repeat(65) })),
      'seats_purchased.product_id: expected at most 64 characters, got 65',
    ],
    [
      'a NUL in an assignment_id',
      envelope(assignedWith({ assignmentId: 'asg_\u0000' })),
      'license_assigned.assignment_id: expected no control characters, got "asg_\\u0000"',
    ],
    [
      'a control character in event_id',
      envelope(assigned, { eventId: 'evt\n1' }),
      'event_id: expected no control characters, got "evt\\n1"',
    ],
    [
      'an effective_time after 9999',
      envelope(purchased({ effectiveTime: create(TimestampSchema, { seconds: 253_402_300_800n }) })),
      'seats_purchased.effective_time: expected a valid timestamp (0001-01-01 to 9999-12-31), got seconds=253402300800 nanos=0',
    ],
    [
      'an occur_time before year 1',
      envelope(assigned, { occurTime: create(TimestampSchema, { seconds: -62_135_596_801n }) }),
      'occur_time: expected a valid timestamp (0001-01-01 to 9999-12-31), got seconds=-62135596801 nanos=0',
    ],
    [
      'an event_type that is no type name, without payload',
      envelope(undefined, { eventType: 'Not A Type' }),
      'event_type: expected a dotted lower-case name of at most 100 characters, got "Not A Type"',
    ],
    [
      'a huge unknown event_type (clipped in the reason)',
      envelope(undefined, { eventType: `a.${'b'.repeat(200_000)}` }),
      `event_type: expected a dotted lower-case name of at most 100 characters, got "a.${'b'.repeat(78)}"... (200002 characters)`,
    ],
  ])('refuses what the ledger cannot store: %s', (_name, event, reason) => {
    expect(interpretEvent(event)).toEqual({ outcome: 'invalid', reason });
  });

  it('clips long values in reasons (they travel in a Kafka header)', () => {
    const long = 'k'.repeat(300_000);
    const reason = (interpretEvent(envelope(assigned), { key: long }) as { reason: string }).reason;
    expect(reason).toBe(`kafka key "${'k'.repeat(80)}"... (300000 characters) does not match account_id "acct_1"`);
  });

  it('rejects a Kafka key other than the account id', () => {
    expect(interpretEvent(envelope(assigned), { key: 'acct_2' })).toEqual({
      outcome: 'invalid',
      reason: 'kafka key "acct_2" does not match account_id "acct_1"',
    });
  });

  it('reports every problem of an event in one reason, envelope first, then payload fields in proto order', () => {
    const broken = envelope(
      {
        case: 'licenseAssigned',
        value: {
          assignmentId: 'asg_1',
          productId: 'prod_a',
          price: { unitPrice: { currencyCode: 'usd1', amountMinor: -5n }, billingPeriod: 'week' },
        },
      },
      { eventId: '', sequence: 0n, eventType: 'seats.purchased' },
    );
    expect(interpretEvent(broken, { key: 'acct_9' })).toEqual({
      outcome: 'invalid',
      reason: [
        'missing event_id',
        'kafka key "acct_9" does not match account_id "acct_1"',
        'sequence: expected >= 1, got 0',
        'event_type "seats.purchased" does not match payload case "licenseAssigned"',
        'missing license_assigned.user_id',
        'license_assigned.price.unit_price.currency_code: expected a 3-letter ISO 4217 code, got "usd1"',
        'license_assigned.price.unit_price.amount_minor: expected >= 0, got -5',
        'license_assigned.price.billing_period: expected "month" or "year", got "week"',
        'missing license_assigned.effective_time',
      ].join('; '),
    });
  });

  it('checks the envelope of no-charge events too', () => {
    expect(
      interpretEvent(
        envelope({ case: 'seatsExhausted', value: { productId: 'prod_a', purchased: 5 } }, { accountId: '' }),
      ),
    ).toEqual({ outcome: 'invalid', reason: 'missing account_id' });
  });
});
