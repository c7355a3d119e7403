import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { expect, it } from 'vitest';
import { startTracing } from '@acme/telemetry';
import type { PendingOutboxEvent } from '@acme/licensing-data-access';
import { tracedMessages } from './publish-spans.js';

const CALL = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const event = (traceParent: string | null): PendingOutboxEvent => ({
  id: 'evt_1',
  accountId: 'acct_1',
  sequence: 7,
  eventType: 'license.assigned',
  payload: new Uint8Array([1]),
  occurredAt: new Date(),
  traceParent,
});

it('passes the stored traceparent on when this instance does not trace: the trace is not cut here', () => {
  const batch = tracedMessages('license-events', [event(CALL), event(null)]);
  batch.end();
  expect(batch.messages.map((m) => m.headers?.traceparent)).toEqual([CALL, undefined]);
});

it('puts a producer span between the call and the message when it traces, failed when the publish is', async () => {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({ serviceName: 'test', env: {}, exporter });
  try {
    const batch = tracedMessages('license-events', [event(CALL)]);
    batch.end(new Error('broker unavailable'));
    await tracing.flush();
    const [send] = exporter.getFinishedSpans();
    expect(send!.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(send!.status).toEqual({ code: 2, message: 'broker unavailable' });
    expect(batch.messages[0]!.headers).toMatchObject({
      'event-id': 'evt_1',
      sequence: '7',
      traceparent: `00-0af7651916cd43dd8448eb211c80319c-${send!.spanContext().spanId}-01`,
    });
  } finally {
    await tracing.shutdown();
  }
});
