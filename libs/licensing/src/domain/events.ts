import { create, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { randomUUID } from 'node:crypto';
import { EVENT_TYPE_BY_CASE, events } from '@acme/contracts';
import type { OutboxInput } from '@acme/licensing-data-access';
import type { ChangeOrigin } from './change-origin.js';

/** One event payload as a use case writes it: a oneof case with a plain-object value. */
export type EventPayload = Exclude<
  NonNullable<MessageInitShape<typeof events.EventEnvelopeSchema>['payload']>,
  { case: undefined }
>;

const ACTOR_KIND = {
  user: events.ActorKind.USER,
  service: events.ActorKind.SERVICE,
  system: events.ActorKind.SYSTEM,
} as const;

/** The outbox rows of one change: each payload in its envelope, with the change's actor, causation and time. */
export function outboxEvents(origin: ChangeOrigin, payloads: EventPayload[]): OutboxInput[] {
  return payloads.map((payload) => {
    const eventId = randomUUID();
    const eventType = EVENT_TYPE_BY_CASE[payload.case];
    return {
      eventId,
      eventType,
      occurredAt: origin.occurredAt,
      // The sequence is the account's next, known only when the row is written.
      payload: (sequence: number) =>
        toBinary(
          events.EventEnvelopeSchema,
          create(events.EventEnvelopeSchema, {
            eventId,
            eventType,
            accountId: origin.accountId,
            occurTime: timestampFromDate(origin.occurredAt),
            sequence: BigInt(sequence),
            actor: { subject: origin.actor.subject, kind: ACTOR_KIND[origin.actor.kind] },
            causationId: origin.causationId,
            payload,
          }),
        ),
    };
  });
}
