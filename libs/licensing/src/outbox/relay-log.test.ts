/**
 * The relay's log lines name the events of each batch with their causation id (the request id of
 * the call that made them): one info line per published batch, and the warning when it fails.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { PendingOutboxEvent } from '@acme/licensing-data-access';
import type { EventMessage, EventPublisher } from '@acme/messaging';
import { eventually } from '@acme/testing';
import { createLogger } from '@acme/util';
import { outboxEvents } from '../domain/events.js';
import { OutboxRelay, type RelayStore } from './outbox-relay.js';
import { batchLogFields } from './relay-log.js';

const principal = {
  subject: 'usr_1',
  kind: 'user' as const,
  accountId: 'acct_1',
  roles: [],
  permissions: [],
  scopes: [],
  tokenId: null,
};

/** Pending events as the outbox holds them, caused by request `causationId`. */
function pending(causationId: string, count: number): PendingOutboxEvent[] {
  const inputs = outboxEvents(
    {
      accountId: 'acct_1',
      actor: { subject: principal.subject, kind: principal.kind },
      causationId,
      occurredAt: new Date(),
    },
    Array.from({ length: count }, () => ({ case: 'seatsExhausted' as const, value: { productId: 'goto_meeting' } })),
  );
  return inputs.map((input, i) => ({
    id: input.eventId,
    accountId: 'acct_1',
    sequence: i + 1,
    eventType: input.eventType,
    traceParent: null,
    payload: input.payload(i + 1),
    occurredAt: input.occurredAt,
  }));
}

/** A store with one batch to relay, handed out once. */
function storeWith(batch: PendingOutboxEvent[]): RelayStore {
  let left = true;
  return {
    shardsWithPending: async () => (left ? [0] : []),
    relayShards: async (shards, _limit, publish) => {
      await publish(batch);
      left = false;
      return { claimed: shards, published: batch.length };
    },
  };
}

function captured() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write: (chunk, _e, done) => void (lines.push(JSON.parse(String(chunk)) as Record<string, unknown>), done()),
  });
  return { logger: createLogger({ name: 'relay-test', destination }), lines };
}

describe('relay log lines', () => {
  it('name at most 20 events of a batch, with the causation id their envelopes carry', () => {
    const fields = batchLogFields(pending('req-many', 25));
    expect(fields.count).toBe(25);
    expect(fields.events).toHaveLength(20);
    expect(fields.events.every((e) => e.causationId === 'req-many')).toBe(true);
    const [undecodable] = batchLogFields([{ ...pending('x', 1)[0]!, payload: new Uint8Array([0xff, 0xff]) }]).events;
    expect(undecodable).not.toHaveProperty('causationId');
  });

  it('say what was published, with the causation id', async () => {
    const { logger, lines } = captured();
    const published: EventMessage[] = [];
    const publisher: EventPublisher = {
      publish: async (_t, messages) => void published.push(...messages),
      close: async () => {},
    };
    const relay = new OutboxRelay({
      store: storeWith(pending('req-published', 2)),
      publisher,
      logger,
      pollIntervalMs: 10,
    });
    relay.start();
    await eventually(() => lines.some((l) => l.msg === 'outbox events published'));
    await relay.stop();
    const line = lines.find((l) => l.msg === 'outbox events published')!;
    expect(line).toMatchObject({
      level: 30,
      count: 2,
      events: [
        { causationId: 'req-published', sequence: 1 },
        { causationId: 'req-published', sequence: 2 },
      ],
    });
  });

  it('say which events wait in the outbox when publishing fails', async () => {
    const { logger, lines } = captured();
    const publisher: EventPublisher = {
      publish: async () => Promise.reject(new Error('broker unavailable')),
      close: async () => {},
    };
    const relay = new OutboxRelay({
      store: storeWith(pending('req-waiting', 1)),
      publisher,
      logger,
      pollIntervalMs: 10,
      maxBackoffMs: 50,
    });
    relay.start();
    await eventually(() => lines.some((l) => l.level === 40));
    await relay.stop();
    expect(lines.find((l) => l.level === 40)).toMatchObject({
      msg: 'outbox relay could not publish; events stay in the outbox',
      count: 1,
      events: [{ causationId: 'req-waiting' }],
    });
  });
});
