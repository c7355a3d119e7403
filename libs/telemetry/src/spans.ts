import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';

export { SpanKind };
export type { Attributes, Span };

/** The one tracer of our code: its spans are named after what the platform does, not after a library. */
const tracer = () => trace.getTracer('acme.seat-platform');

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The parent, when it is not the active span (a remote caller's, an event's). */
  parent?: Context;
}

/**
 * Runs `work` inside a new active span: spans started within it (and log lines written within it)
 * belong to it. A thrown error marks the span failed (with the error's message) and is rethrown.
 */
export async function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  return tracer().startActiveSpan(
    name,
    { ...(options.kind !== undefined ? { kind: options.kind } : {}), attributes: options.attributes ?? {} },
    parent,
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        failSpan(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * A span that is not made active, for work whose start and end are not one call (a message in a
 * batch). `startTime` is epoch milliseconds (Date.now()); it is handed over as a Date because
 * OpenTelemetry reads a number below performance.now() as time since the process started.
 */
export function startSpan(name: string, options: SpanOptions & { startTime?: number }): Span {
  return tracer().startSpan(
    name,
    {
      ...(options.kind !== undefined ? { kind: options.kind } : {}),
      attributes: options.attributes ?? {},
      ...(options.startTime !== undefined ? { startTime: new Date(options.startTime) } : {}),
    },
    options.parent ?? context.active(),
  );
}

/** The context whose active span is `span`: the parent of spans started under it from elsewhere. */
export function contextWith(span: Span): Context {
  return trace.setSpan(context.active(), span);
}

/** Marks a span failed with the error's message (the stack goes to the log, not the trace). */
export function failSpan(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** The context whose parent is the W3C `traceparent` (and `tracestate`) in these headers or gRPC metadata values. */
export function contextFromHeaders(get: (name: string) => string | undefined): Context {
  return propagation.extract(context.active(), null, {
    get: (_carrier, key) => get(key),
    keys: () => ['traceparent', 'tracestate'],
  });
}

/** The W3C `traceparent` of a span (or of the active one): what the outbox stores and Kafka headers carry. */
export function traceparentOf(span?: Span): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(span ? contextWith(span) : context.active(), carrier);
  return carrier.traceparent ?? null;
}

/** The active span's trace and span ids, for log lines; none outside a span or when tracing is off. */
export function activeTraceIds(): { trace_id: string; span_id: string } | null {
  const ids = trace.getActiveSpan()?.spanContext();
  return ids && trace.isSpanContextValid(ids) ? { trace_id: ids.traceId, span_id: ids.spanId } : null;
}
