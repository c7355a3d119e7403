import { afterEach, expect, it } from 'vitest';
import { inSpan, SpanKind, startTracing, type Tracing } from '@acme/telemetry';
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver.js';

let receiver: OtlpReceiver | null = null;
let tracing: Tracing | null = null;
afterEach(async () => {
  await tracing?.shutdown();
  await receiver?.close();
});

it('receives what a process configured with OTEL_EXPORTER_OTLP_ENDPOINT exports over OTLP/HTTP', async () => {
  receiver = await startOtlpReceiver();
  tracing = startTracing({
    serviceName: 'licensing-service',
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.endpoint}/`,
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test',
    },
  });
  expect(tracing.endpoint).toBe(`${receiver.endpoint}/v1/traces`);
  await inSpan('acme.licensing.v1.LicensingService/AssignLicenses', { kind: SpanKind.SERVER }, async () => {
    await inSpan('rules.decide', { attributes: { 'rules.allowed': false, 'rules.violations': 1 } }, async () => {});
  });
  await tracing.flush();
  const [decide, call] = receiver.spans();
  expect(call).toMatchObject({ service: 'licensing-service', kind: 2, parentSpanId: '' });
  expect(call!.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(decide).toMatchObject({
    traceId: call!.traceId,
    parentSpanId: call!.spanId,
    name: 'rules.decide',
    attributes: { 'rules.allowed': false, 'rules.violations': 1 },
  });
});
