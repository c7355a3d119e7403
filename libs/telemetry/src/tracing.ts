import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';

export interface TracingOptions {
  /** `service.name` of every span (OTEL_SERVICE_NAME overrides it, as everywhere in OpenTelemetry). */
  serviceName: string;
  env?: Record<string, string | undefined>;
  /** Where spans go instead of OTLP (tests: an InMemorySpanExporter). Turns tracing on by itself. */
  exporter?: SpanExporter;
}

export interface Tracing {
  /** False when nothing is configured: the OpenTelemetry API stays a no-op and costs nothing. */
  readonly enabled: boolean;
  /** Where spans are exported, for the start-up log line; null when tracing is off. */
  readonly endpoint: string | null;
  /** Exports the spans still queued. */
  flush(): Promise<void>;
  /** Exports what is queued, then unregisters everything (the API is a no-op again). */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { enabled: false, endpoint: null, flush: async () => {}, shutdown: async () => {} };

/**
 * Turns tracing on for this process when OTLP is configured (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, the exporter's own variables) and not disabled
 * (OTEL_SDK_DISABLED=true, OTEL_TRACES_EXPORTER=none). It registers the context manager (spans
 * follow async calls), the W3C trace-context propagator (traceparent in gRPC metadata and Kafka
 * headers) and a provider that batches spans to the exporter. Nothing is patched: the spans are
 * the ones our code starts (gRPC call, rules decision, transaction, outbox publish, consume, ledger write).
 */
export function startTracing(options: TracingOptions): Tracing {
  const env = options.env ?? process.env;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? otlpTracesUrl(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const disabled = env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none';
  if (!options.exporter && (disabled || !endpoint)) return OFF;

  const exporter = options.exporter ?? new OTLPTraceExporter({ url: endpoint! });
  const resource = resourceFromAttributes({ 'service.name': options.serviceName }).merge(
    detectResources({ detectors: [envDetector] }),
  );
  const provider = new TracerProvider({
    resource,
    sampler: samplerFrom(env),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter,
        scheduledDelayMillis: positiveNumber(env.OTEL_BSP_SCHEDULE_DELAY, 'OTEL_BSP_SCHEDULE_DELAY') ?? 5_000,
      }),
    ],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    enabled: true,
    endpoint: options.exporter ? null : endpoint!,
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** The traces path under a base endpoint, as the OTLP exporter specification builds it. */
function otlpTracesUrl(base: string | undefined): string | undefined {
  if (!base) return undefined;
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

/** OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG, by the specification's names; parent-based, always on by default. */
function samplerFrom(env: Record<string, string | undefined>): Sampler {
  const ratio = () => {
    const value = positiveNumber(env.OTEL_TRACES_SAMPLER_ARG, 'OTEL_TRACES_SAMPLER_ARG') ?? 1;
    if (value > 1) throw new Error('OTEL_TRACES_SAMPLER_ARG: a ratio between 0 and 1');
    return new TraceIdRatioBasedSampler(value);
  };
  const name = env.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on';
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() });
    default:
      throw new Error(
        `OTEL_TRACES_SAMPLER: "${name}" is not one of always_on, always_off, traceidratio, ` +
          'parentbased_always_on, parentbased_always_off, parentbased_traceidratio',
      );
  }
}

function positiveNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new Error(`${name}: a non-negative number, not "${value}"`);
  return number;
}
