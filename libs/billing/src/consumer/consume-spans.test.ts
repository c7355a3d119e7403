/** The consumer continues each event's trace: a consumer span per traced message, the ledger write under it. */
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { pino } from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ConsumedMessage, EventPublisher } from '@acme/messaging';
import { startTracing, type Tracing } from '@acme/telemetry';
import { licenseAssignedEvent } from '@acme/testing';
import { createLedgerHandler } from './ledger-handler.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const PUBLISH_SPAN = 'b7ad6b7169203331';
let exporter: InMemorySpanExporter;
let tracing: Tracing;
beforeEach(() => {
  exporter = new InMemorySpanExporter();
  tracing = startTracing({ serviceName: 'billing-consumer', env: {}, exporter });
});
afterEach(async () => {
  await tracing.shutdown();
});

const message = (sequence: number, traceparent?: string): ConsumedMessage => ({
  topic: 'license-events',
  partition: 3,
  offset: String(40 + sequence),
  key: 'acct_1',
  value: licenseAssignedEvent({ eventId: `evt_${sequence}`, accountId: 'acct_1', sequence }),
  headers: { 'event-id': `evt_${sequence}`, ...(traceparent ? { traceparent } : {}) },
});
const deadLetters: EventPublisher = { publish: async () => {}, close: async () => {} };
const handlerWith = (record: () => Promise<{ recorded: number; duplicates: number }>) =>
  createLedgerHandler({ ledger: { record }, deadLetters, logger: pino({ level: 'silent' }) });

it('puts the ledger write of a traced event under its consumer span, child of the publish', async () => {
  await handlerWith(async () => ({ recorded: 2, duplicates: 0 })).handle([
    message(1, `00-${TRACE}-${PUBLISH_SPAN}-01`),
    message(2),
  ]);
  await tracing.flush();
  const spans = exporter.getFinishedSpans();
  // The untraced message starts no trace of its own.
  expect(spans.map((span) => span.name).sort()).toEqual(['ledger.write', 'process license-events']);
  const consume = spans.find((span) => span.name === 'process license-events')!;
  const write = spans.find((span) => span.name === 'ledger.write')!;
  expect(consume.spanContext().traceId).toBe(TRACE);
  expect(consume.parentSpanContext?.spanId).toBe(PUBLISH_SPAN);
  expect(consume.attributes).toMatchObject({ 'messaging.kafka.offset': 41, 'messaging.message.id': 'evt_1' });
  expect(write.parentSpanContext?.spanId).toBe(consume.spanContext().spanId);
  expect(write.attributes).toMatchObject({
    'acme.event_id': 'evt_1',
    'acme.ledger.outcome': 'entries',
    'acme.ledger.transaction_events': 2,
  });
});

it('marks the consumer span failed when the ledger write fails (the chunk comes again)', async () => {
  const failing = handlerWith(async () => {
    throw new Error('ledger database unavailable');
  });
  await expect(failing.handle([message(1, `00-${TRACE}-${PUBLISH_SPAN}-01`)])).rejects.toThrow();
  await tracing.flush();
  const [consume] = exporter.getFinishedSpans();
  expect(consume!.status).toEqual({ code: 2, message: 'ledger database unavailable' });
});
