import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { events } from '@acme/contracts';

export interface EventFixture {
  eventId: string;
  accountId: string;
  sequence: number;
  at?: Date;
}

const price = { unitPrice: { currencyCode: 'USD', amountMinor: 1400n }, billingPeriod: 'month' };

/** A valid `license.assigned` envelope (GoTo Meeting at 14.00 USD a month), serialized. */
export function licenseAssignedEvent(fixture: EventFixture & { userId?: string }): Uint8Array {
  const at = timestampFromDate(fixture.at ?? new Date('2026-11-03T10:00:00Z'));
  return toBinary(
    events.EventEnvelopeSchema,
    create(events.EventEnvelopeSchema, {
      eventId: fixture.eventId,
      eventType: 'license.assigned',
      accountId: fixture.accountId,
      occurTime: at,
      sequence: BigInt(fixture.sequence),
      causationId: 'fixture',
      actor: { subject: 'usr_fixture', kind: events.ActorKind.USER },
      payload: {
        case: 'licenseAssigned',
        value: {
          assignmentId: `asg_${fixture.eventId}`,
          userId: fixture.userId ?? 'usr_fixture',
          productId: 'goto_meeting',
          price,
          effectiveTime: at,
        },
      },
    }),
  );
}

/**
 * `count` assignment events spread over `accounts` accounts, each account's sequence counting
 * up from 1: what a busy licensing service would put on the topic, as Kafka messages.
 */
export function licenseEventMessages(
  count: number,
  options: { accounts?: number; prefix?: string } = {},
): { key: string; value: Uint8Array; eventId: string }[] {
  const accounts = options.accounts ?? 10;
  const sequences = new Map<string, number>();
  return Array.from({ length: count }, (_, i) => {
    const accountId = `acct_${options.prefix ?? 'fx'}_${i % accounts}`;
    const sequence = (sequences.get(accountId) ?? 0) + 1;
    sequences.set(accountId, sequence);
    const eventId = `${options.prefix ?? 'fx'}-${i}`;
    return { key: accountId, value: licenseAssignedEvent({ eventId, accountId, sequence }), eventId };
  });
}
