import { create, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { randomUUID } from 'node:crypto';
import { EVENT_TYPE_BY_CASE, events } from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { OutboxInput } from '@acme/licensing-data-access';

/** One payload as written by handlers: a oneof case with a plain-object value. */
export type PayloadInit = Exclude<NonNullable<MessageInitShape<typeof events.EventEnvelopeSchema>['payload']>, { case: undefined }>;

/** Builds outbox rows for one mutation: same actor, causation and time for every event. */
export function outboxEvents(context: { accountId: string; principal: Principal; causationId: string; occurredAt: Date }, payloads: PayloadInit[]): OutboxInput[] {
  return payloads.map((payload) => {
    const eventId = randomUUID();
    const eventType = EVENT_TYPE_BY_CASE[payload.case];
    return {
      eventId,
      eventType,
      occurredAt: context.occurredAt,
      payload: (sequence: number) =>
        toBinary(
          events.EventEnvelopeSchema,
          create(events.EventEnvelopeSchema, {
            eventId,
            eventType,
            accountId: context.accountId,
            occurTime: timestampFromDate(context.occurredAt),
            sequence: BigInt(sequence),
            actor: { subject: context.principal.subject, kind: actorKind(context.principal) },
            causationId: context.causationId,
            payload,
          }),
        ),
    };
  });
}

function actorKind(principal: Principal): events.ActorKind {
  if (principal.subject.startsWith('system:')) return events.ActorKind.SYSTEM;
  return principal.kind === 'service' ? events.ActorKind.SERVICE : events.ActorKind.USER;
}
