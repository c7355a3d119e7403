import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { activeTraceIds, contextFromHeaders, inSpan, SpanKind, startSpan, traceparentOf } from './spans.js';
import { startTracing, type Tracing } from './tracing.js';

let tracing: Tracing | null = null;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = null;
});

const REMOTE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('tracing off (nothing configured)', () => {
  it('stays off without an OTLP endpoint, and spans cost nothing and carry nothing', async () => {
    tracing = startTracing({ serviceName: 'test', env: {} });
    expect(tracing.enabled).toBe(false);
    const inside = await inSpan('work', {}, async () => ({ ids: activeTraceIds(), parent: traceparentOf() }));
    expect(inside).toEqual({ ids: null, parent: null });
  });

  it('stays off when disabled, even with an endpoint', () => {
    for (const env of [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' },
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' },
    ])
      expect(startTracing({ serviceName: 'test', env }).enabled).toBe(false);
  });

  it('refuses a sampler it does not know, naming the ones it does', () => {
    expect(() =>
      startTracing({
        serviceName: 'test',
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_SAMPLER: 'sometimes' },
      }),
    ).toThrow(/OTEL_TRACES_SAMPLER: "sometimes" is not one of always_on/);
  });
});

describe('tracing on', () => {
  const start = () => {
    const exporter = new InMemorySpanExporter();
    tracing = startTracing({ serviceName: 'licensing-service', env: {}, exporter });
    return exporter;
  };

  it('nests spans through awaits, and names the active trace for log lines', async () => {
    const exporter = start();
    let ids: ReturnType<typeof activeTraceIds> = null;
    await inSpan('call', { kind: SpanKind.SERVER }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      await inSpan('decision', { attributes: { 'rules.allowed': true } }, async () => {
        ids = activeTraceIds();
      });
    });
    await tracing!.flush();
    const [decision, call] = exporter.getFinishedSpans();
    expect(call!.name).toBe('call');
    expect(decision!.parentSpanContext?.spanId).toBe(call!.spanContext().spanId);
    expect(decision!.attributes['rules.allowed']).toBe(true);
    expect(ids).toEqual({ trace_id: call!.spanContext().traceId, span_id: decision!.spanContext().spanId });
    expect(call!.resource.attributes['service.name']).toBe('licensing-service');
  });

  it('continues a remote trace from a traceparent and hands its own on', async () => {
    const exporter = start();
    const parent = contextFromHeaders((name) => (name === 'traceparent' ? REMOTE : undefined));
    const handed = await inSpan('consume', { parent, kind: SpanKind.CONSUMER }, async () => traceparentOf());
    await tracing!.flush();
    const [span] = exporter.getFinishedSpans();
    expect(span!.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span!.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(handed).toBe(`00-0af7651916cd43dd8448eb211c80319c-${span!.spanContext().spanId}-01`);
  });

  it('marks a failed span with the error and rethrows it', async () => {
    const exporter = start();
    await expect(
      inSpan('write', {}, async () => {
        throw new Error('seats taken');
      }),
    ).rejects.toThrow('seats taken');
    await tracing!.flush();
    expect(exporter.getFinishedSpans()[0]!.status).toEqual({ code: 2, message: 'seats taken' });
  });

  it('keeps a span started apart open until ended, with the given start time', async () => {
    // Past the first second of the process, where OpenTelemetry would read 1_000 as uptime.
    while (performance.now() < 1_500) await new Promise((resolve) => setTimeout(resolve, 100));
    const exporter = start();
    const span = startSpan('send license-events', { kind: SpanKind.PRODUCER, startTime: 1_000 });
    expect(traceparentOf(span)).toMatch(new RegExp(`^00-[0-9a-f]{32}-${span.spanContext().spanId}-01$`));
    await tracing!.flush();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    span.end(new Date(2_000));
    await tracing!.flush();
    // Epoch milliseconds, however long the process has run (a small number once read as uptime).
    expect(exporter.getFinishedSpans()[0]!.startTime).toEqual([1, 0]);
    expect(exporter.getFinishedSpans()[0]!.endTime).toEqual([2, 0]);
  });

  it('is off again after shutdown', async () => {
    start();
    await tracing!.shutdown();
    tracing = null;
    expect(await inSpan('late', {}, async () => activeTraceIds())).toBeNull();
  });
});
