/** The consumer's log lines about single events name the event and its causation id (the request that made it). */
import { Writable } from 'node:stream';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { events } from '@acme/contracts';
import type { ConsumedMessage, EventPublisher } from '@acme/messaging';
import { createLogger } from '@acme/util';
import { createLedgerHandler } from './ledger-handler.js';

const message = (eventId: string, eventType: string, causationId: string, offset: string): ConsumedMessage => ({
  topic: 'license-events',
  partition: 0,
  offset,
  key: 'acct_1',
  value: toBinary(
    events.EventEnvelopeSchema,
    create(events.EventEnvelopeSchema, {
      eventId,
      eventType,
      accountId: 'acct_1',
      sequence: 1n,
      occurTime: timestampNow(),
      causationId,
    }),
  ),
});

describe('ledger handler log lines', () => {
  it('carry the event id and causation id of a dead-lettered event and of a skipped unknown type', async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write: (chunk, _e, done) => void (lines.push(JSON.parse(String(chunk)) as Record<string, unknown>), done()),
    });
    const deadLetters: EventPublisher = { publish: async () => {}, close: async () => {} };
    const handler = createLedgerHandler({
      ledger: { record: async () => ({ recorded: 0, duplicates: 0 }) },
      deadLetters,
      logger: createLogger({ name: 'billing-test', destination }),
    });
    // license.assigned without its payload is broken; a type nobody knows with no payload is a newer producer's.
    await handler.handle([
      message('evt_broken', 'license.assigned', 'req-broken', '1'),
      message('evt_newer', 'license.teleported', 'req-newer', '2'),
    ]);
    expect(lines.find((l) => l.msg === 'license event sent to the dead-letter topic')).toMatchObject({
      eventId: 'evt_broken',
      causationId: 'req-broken',
    });
    expect(lines.find((l) => l.msg === 'license event of an unknown type skipped')).toMatchObject({
      eventType: 'license.teleported',
      eventId: 'evt_newer',
      causationId: 'req-newer',
    });
  });
});
