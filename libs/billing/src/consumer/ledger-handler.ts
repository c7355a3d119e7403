import { fromBinary } from '@bufbuild/protobuf';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { events } from '@acme/contracts';
import type { EventCause, EventRecord, LedgerDatabase } from '@acme/billing-data-access';
import {
  LICENSE_EVENTS_DLQ_TOPIC,
  type BatchHandler,
  type ConsumedMessage,
  type EventMessage,
  type EventPublisher,
} from '@acme/messaging';
import type { Logger } from '@acme/util';
import { interpretEvent } from '../ledger/entries-from-event.js';
import { deadLetter } from './dead-letter.js';
import { startChunkSpans, type ChunkSpans } from './consume-spans.js';

/** What the handler has done since it started, by outcome. */
export interface LedgerHandlerStats {
  /** Events recorded in the ledger (with their entries, or as no-charge). */
  recorded: number;
  /** Redelivered events that were already recorded: nothing changed. */
  duplicates: number;
  /** Undecodable or invalid events sent to the dead-letter topic. */
  deadLettered: number;
  /** Events of types this consumer does not know, by type: counted and skipped. */
  unknownTypes: Record<string, number>;
  /** Delay from the event's occur_time to its recording, of the last recorded batch's newest event. */
  lastEventAgeMs: number | null;
}

export interface LedgerHandlerOptions {
  ledger: Pick<LedgerDatabase, 'record'>;
  /** Where refused events go (the dead-letter topic). */
  deadLetters: EventPublisher;
  logger: Logger;
  now?: () => Date;
  /** Called after each batch with what it did (metrics). */
  onBatch?: (batch: {
    recorded: number;
    duplicates: number;
    deadLettered: number;
    unknown: string[];
    eventAgesMs: number[];
  }) => void;
}

/**
 * The one path every license event takes into the ledger, fed by Kafka or in-process alike:
 * decode, interpret, and record a batch in one transaction (event ids and entries together, ids
 * de-duplicated), after dead-lettering what cannot be handled. It resolves only when all of that is
 * durable, so the consumer commits offsets after it and never before.
 */
export function createLedgerHandler(options: LedgerHandlerOptions): {
  handle: BatchHandler;
  stats(): LedgerHandlerStats;
} {
  const now = options.now ?? (() => new Date());
  const stats: LedgerHandlerStats = {
    recorded: 0,
    duplicates: 0,
    deadLettered: 0,
    unknownTypes: {},
    lastEventAgeMs: null,
  };

  const handle: BatchHandler = async (messages) => {
    const spans = startChunkSpans(messages);
    try {
      await handleChunk(messages, spans);
      spans.end();
    } catch (error) {
      spans.end(error);
      throw error;
    }
  };

  const handleChunk = async (messages: ConsumedMessage[], spans: ChunkSpans) => {
    const at = now();
    const records: EventRecord[] = [];
    const dead: EventMessage[] = [];
    // The event and causation ids of decodable events, so each log line leads back to the request.
    const ids = new Map<EventMessage, { eventId: string; causationId: string }>();
    const unknown: { eventType: string; eventId: string; causationId: string }[] = [];
    const occurred: number[] = [];
    const written: Parameters<ChunkSpans['ledgerWritten']>[0] = [];
    for (const message of messages) {
      const decoded = decode(message);
      if ('reason' in decoded) {
        dead.push(deadLetter(message, decoded.reason, at));
        continue;
      }
      const envelope = decoded.envelope;
      const traced = { eventId: clip(envelope.eventId), causationId: clip(envelope.causationId) };
      const meaning = interpretEvent(envelope, { key: message.key });
      if (meaning.outcome === 'invalid') {
        const letter = deadLetter(message, meaning.reason, at);
        ids.set(letter, traced);
        dead.push(letter);
      } else if (meaning.outcome === 'unknown_type') unknown.push({ eventType: meaning.eventType, ...traced });
      else {
        records.push({
          eventId: envelope.eventId,
          accountId: envelope.accountId,
          sequence: Number(envelope.sequence),
          eventType: envelope.eventType,
          outcome: meaning.outcome,
          source: { topic: message.topic, partition: message.partition, offset: message.offset },
          cause: causeOf(envelope),
          entries: meaning.outcome === 'entries' ? meaning.entries : [],
        });
        // interpretEvent refuses events without occur_time, so it is there.
        occurred.push(timestampDate(envelope.occurTime!).getTime());
        written.push({
          message,
          attributes: {
            'acme.event_id': envelope.eventId,
            'acme.event_type': envelope.eventType,
            'acme.event_sequence': Number(envelope.sequence),
            'acme.causation_id': envelope.causationId,
            'acme.ledger.outcome': meaning.outcome,
            'acme.ledger.entries': meaning.outcome === 'entries' ? meaning.entries.length : 0,
          },
        });
      }
    }
    // Dead letters first: if recording fails after them, the batch comes again and they are sent
    // again (at least once; their source offset identifies duplicates). The reverse order could
    // commit offsets past a dead letter that never reached the topic.
    if (dead.length > 0) {
      await options.deadLetters.publish(LICENSE_EVENTS_DLQ_TOPIC, dead);
      for (const d of dead)
        options.logger.warn(
          {
            reason: d.headers?.['dlq-reason'],
            key: clip(d.key),
            offset: d.headers?.['dlq-source-offset'],
            ...ids.get(d),
          },
          'license event sent to the dead-letter topic',
        );
    }
    const writeStarted = Date.now();
    const result = records.length > 0 ? await options.ledger.record(records, at) : { recorded: 0, duplicates: 0 };
    spans.ledgerWritten(written, writeStarted);
    for (const skipped of unknown) {
      stats.unknownTypes[skipped.eventType] = (stats.unknownTypes[skipped.eventType] ?? 0) + 1;
      options.logger.info(skipped, 'license event of an unknown type skipped');
    }
    stats.recorded += result.recorded;
    stats.duplicates += result.duplicates;
    stats.deadLettered += dead.length;
    const ages = occurred.map((t) => at.getTime() - t);
    if (ages.length > 0) stats.lastEventAgeMs = Math.min(...ages);
    options.onBatch?.({
      recorded: result.recorded,
      duplicates: result.duplicates,
      deadLettered: dead.length,
      unknown: unknown.map((u) => u.eventType),
      eventAgesMs: ages,
    });
  };

  return { handle, stats: () => structuredClone(stats) };
}

const ACTOR_KINDS = {
  [events.ActorKind.USER]: 'user',
  [events.ActorKind.SERVICE]: 'service',
  [events.ActorKind.SYSTEM]: 'system',
} as const;

/** Why the event happened, kept with it: ExplainCharge and the audit link read it back. */
function causeOf(envelope: events.EventEnvelope): EventCause {
  const { payload } = envelope;
  return {
    // interpretEvent refuses events without occur_time, so it is there.
    occurredAt: timestampDate(envelope.occurTime!),
    causationId: envelope.causationId,
    actor: {
      subject: envelope.actor?.subject ?? '',
      kind: ACTOR_KINDS[envelope.actor?.kind as keyof typeof ACTOR_KINDS] ?? 'unspecified',
    },
    ruleIds:
      payload.case === 'contactCenterBillingStarted' || payload.case === 'contactCenterBillingStopped'
        ? [...payload.value.ruleIds]
        : [],
  };
}

/** A value of a (possibly hostile) event as a log field: long ones clipped, so one event cannot flood the log. */
function clip(value: string): string {
  return value.length <= 100 ? value : `${value.slice(0, 100)}... (${value.length} characters)`;
}

function decode(message: ConsumedMessage): { envelope: events.EventEnvelope } | { reason: string } {
  try {
    return { envelope: fromBinary(events.EventEnvelopeSchema, message.value) };
  } catch (error) {
    return { reason: `undecodable: ${error instanceof Error ? error.message : String(error)}` };
  }
}
