import { Writable } from 'node:stream';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LicensingService } from '@acme/contracts';
import { AppError, createLogger } from '@acme/util';
import { inSpan, startTracing, type Tracing } from '@acme/telemetry';
import { GrpcServer } from './server.js';
import { createClient } from './client.js';
import { unimplementedHandlers } from './service-adapter.js';

// A real server with tracing on: each call is a server span continuing the caller's traceparent,
// the handler's own spans and log lines belong to it, and only server faults mark it failed.
const exporter = new InMemorySpanExporter();
const logLines: string[] = [];
let tracing: Tracing;
let server: GrpcServer;
let client: ReturnType<typeof createClient<typeof LicensingService.method>>;

const CALLER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';

beforeAll(async () => {
  tracing = startTracing({ serviceName: 'test', env: {}, exporter });
  const logger = createLogger({
    name: 'test',
    destination: new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    }),
  });
  server = new GrpcServer({ logger, maxResponseBytes: 64 * 1024, maxRequestBytes: 64 * 1024, maxCallMs: 5000 });
  server.addService({
    descriptor: LicensingService,
    authenticate: async () => ({ subject: 'usr_test' }),
    handlers: {
      ...unimplementedHandlers(LicensingService),
      listProducts: async () => inSpan('rules.decide assign', {}, async () => ({ products: [] })),
      getAccount: async () => {
        throw AppError.invalidArgument([{ field: 'account_id', description: 'must start with acct_' }]);
      },
      getSeatUsage: async () => {
        throw new Error('the database went away');
      },
    },
  });
  const port = await server.listen('127.0.0.1', 0);
  client = createClient(LicensingService, `127.0.0.1:${port}`, { token: 'any' });
});

afterAll(async () => {
  client.close();
  await server.shutdown(1000);
  await tracing.shutdown();
});

const finished = async () => {
  await tracing.flush();
  const spans = exporter.getFinishedSpans();
  exporter.reset();
  return spans;
};

it("continues the caller's trace, with the handler's spans and log line inside the call's span", async () => {
  await client.listProducts({}, { metadata: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` } });
  const [inner, call] = await finished();
  expect(call!.name).toBe('acme.licensing.v1.LicensingService/ListProducts');
  expect(call!.kind).toBe(1); // SERVER in the API's numbering
  expect(call!.spanContext().traceId).toBe(CALLER_TRACE);
  expect(call!.parentSpanContext?.spanId).toBe(CALLER_SPAN);
  expect(call!.attributes).toMatchObject({
    'rpc.system': 'grpc',
    'rpc.method': 'ListProducts',
    'rpc.grpc.status_code': 0,
  });
  expect(inner!.parentSpanContext?.spanId).toBe(call!.spanContext().spanId);
  const line = JSON.parse(logLines.find((l) => l.includes('ListProducts'))!) as Record<string, unknown>;
  expect(line).toMatchObject({ trace_id: CALLER_TRACE, span_id: call!.spanContext().spanId });
});

it('starts a trace of its own when the caller sends none', async () => {
  await client.listProducts({});
  const [, call] = await finished();
  expect(call!.parentSpanContext).toBeUndefined();
  expect(call!.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
});

it('marks the span failed for a server fault, not for a refused request', async () => {
  await expect(client.getAccount({ accountId: 'x' })).rejects.toThrow();
  await expect(client.getSeatUsage({})).rejects.toThrow();
  const spans = await finished();
  const of = (method: string) => spans.find((s) => s.name.endsWith(`/${method}`))!;
  expect(of('GetAccount').attributes['rpc.grpc.status_code']).toBe(3);
  expect(of('GetAccount').status.code).toBe(0);
  expect(of('GetSeatUsage').attributes['rpc.grpc.status_code']).toBe(13);
  expect(of('GetSeatUsage').status).toEqual({ code: 2, message: 'the database went away' });
});
