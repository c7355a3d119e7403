import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { LicensingService, ProductSchema } from '@acme/contracts';
import { create } from '@bufbuild/protobuf';
import { AppError } from '@acme/util';
import { GrpcServer } from './server.js';
import { createClient } from './client.js';
import { decodeGrpcError } from './status-mapping.js';
import { unimplementedHandlers } from './service-adapter.js';
import { checkHealth, listServicesByReflection } from './probes.js';
import { Metadata, status } from '@grpc/grpc-js';
import { Registry } from 'prom-client';

const execFileAsync = promisify(execFile);
/** The buf CLI of the workspace (the `@bufbuild/buf` dev dependency). */
const BUF = fileURLToPath(new URL('../../../node_modules/.bin/buf', import.meta.url));

// A real server on an ephemeral port with handlers that exercise the transport: success,
// refusals with details, unexpected failures, deadlines and authentication.
let server: GrpcServer;
let address: string;
let abortedBySignal = false;
let streamEnded = false;
const registry = new Registry();

beforeAll(async () => {
  server = new GrpcServer({
    logger: pino({ level: 'silent' }),
    maxResponseBytes: 64 * 1024,
    maxRequestBytes: 64 * 1024,
    maxCallMs: 5000,
    registry,
    slowReaderMs: 300,
  });
  server.addService({
    descriptor: LicensingService,
    authenticate: async (metadata: Metadata) => {
      if (metadata.get('authorization')[0] !== 'Bearer good')
        throw new AppError('unauthenticated', 'bad token', { reason: 'UNAUTHENTICATED' });
      return { subject: 'usr_test' };
    },
    handlers: {
      ...unimplementedHandlers(LicensingService),
      listProducts: async (_request, context) => ({
        products: [create(ProductSchema, { id: 'p1', name: `for ${context.principal.subject}` })],
      }),
      getAccount: async () => {
        throw AppError.invalidArgument([{ field: 'account_id', description: 'must start with acct_' }]);
      },
      getSeatUsage: async () => {
        throw new Error('SELECT secret FROM subscriptions failed at /srv/app.ts:12');
      },
      listUsers: async (_request, context) => {
        await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
        abortedBySignal = true;
        // Back only once the deadline has passed on the server's clock too: the caller's own
        // cancellation at its deadline can reach a loaded server before the server's copy of the
        // deadline (taken when it read the headers) runs out, and would count as CANCELLED.
        if (context.deadline) await sleep(Math.max(0, context.deadline.getTime() - Date.now()));
        return {};
      },
      // A stream of `resumeAfter` snapshot parts of 100 users each (or forever), for the streaming tests.
      watchEntitlements: async (request, context) => {
        const users = Array.from({ length: 100 }, (_, i) => ({ userId: `usr_${i}`, active: true }));
        const parts = request.resumeAfter === undefined ? Number.POSITIVE_INFINITY : Number(request.resumeAfter);
        try {
          for (let i = 0; i < parts && !context.signal.aborted; i++)
            await context.send({ event: { case: 'snapshot', value: { sequence: BigInt(i), users } } });
        } finally {
          streamEnded = true;
        }
        if (request.accountId === 'acct_fails')
          throw new AppError('not_found', 'no such account', { reason: 'NOT_FOUND' });
      },
      listQueues: async () => {
        await sleep(300);
        return { queues: [] };
      },
      createQueue: async (request) => {
        throw new AppError('policy_denied', 'denied by policy', {
          reason: 'POLICY_DENIED',
          ruleViolations: [
            { type: 'who-may-act.manage-queues', subject: request.accountId, description: 'only admins manage queues' },
            { type: 'other.rule', subject: request.accountId, description: 'second violation' },
          ],
        });
      },
    },
  });
  address = `127.0.0.1:${await server.listen('127.0.0.1', 0)}`;
});

afterAll(() => server.shutdown(1000));

const client = () => createClient(LicensingService, address, { token: 'good' });

describe('GrpcServer over a real socket', () => {
  it('serves a generated service through the descriptor adapter', async () => {
    const response = await client().listProducts({});
    expect(response.products.map((p) => [p.id, p.name])).toEqual([['p1', 'for usr_test']]);
  });

  it('refuses calls without a valid token', async () => {
    const error = await createClient(LicensingService, address)
      .listProducts({})
      .catch((e) => e);
    expect(decodeGrpcError(error)).toMatchObject({
      code: status.UNAUTHENTICATED,
      errorInfo: { reason: 'UNAUTHENTICATED' },
    });
  });

  it('returns field violations as google.rpc.BadRequest with a stable reason and the request id', async () => {
    const error = await client()
      .getAccount({}, { metadata: { 'x-request-id': 'req-123' } })
      .catch((e) => e);
    const decoded = decodeGrpcError(error);
    expect(decoded.code).toBe(status.INVALID_ARGUMENT);
    expect(decoded.errorInfo).toMatchObject({ reason: 'INVALID_ARGUMENT', domain: 'licensing.acme.dev' });
    expect(decoded.badRequest?.fieldViolations).toMatchObject([
      { field: 'account_id', description: 'must start with acct_' },
    ]);
    expect(decoded.requestId).toBe('req-123');
  });

  it('lists every violated rule in PreconditionFailure', async () => {
    const decoded = decodeGrpcError(
      await client()
        .createQueue({ accountId: 'acct_1' })
        .catch((e) => e),
    );
    expect(decoded.code).toBe(status.FAILED_PRECONDITION);
    expect(decoded.preconditionFailure?.violations.map((v) => v.type)).toEqual([
      'who-may-act.manage-queues',
      'other.rule',
    ]);
  });

  it('hides unexpected failures behind INTERNAL without leaking their text', async () => {
    const error = await client()
      .getSeatUsage({})
      .catch((e) => e);
    const decoded = decodeGrpcError(error);
    expect(decoded.code).toBe(status.INTERNAL);
    expect(JSON.stringify(decoded)).not.toMatch(/SELECT|secret|app\.ts/);
    expect(decoded.requestId).toMatch(/[0-9a-f-]{36}/);
  });

  it('says UNIMPLEMENTED, naming the method, for RPCs not built yet', async () => {
    const decoded = decodeGrpcError(
      await client()
        .listAuditEvents({})
        .catch((e) => e),
    );
    expect(decoded).toMatchObject({ code: status.UNIMPLEMENTED, errorInfo: { reason: 'UNIMPLEMENTED' } });
    expect(decoded.message).toContain('ListAuditEvents');
  });

  it('honours the caller deadline and aborts the handler signal', async () => {
    const error = await client()
      .listUsers({}, { timeoutMs: 150 })
      .catch((e) => e);
    expect(error.code).toBe(status.DEADLINE_EXCEEDED);
    await expect.poll(() => abortedBySignal, { timeout: 30_000 }).toBe(true);
    // The call is counted when the server ends it, which may come after the handler saw the abort.
    await expect.poll(() => handledCount('ListUsers', 'DEADLINE_EXCEEDED'), { timeout: 30_000 }).toBe(1);
  });

  it('refuses messages above the configured size', async () => {
    const error = await client()
      .getSeatUsage({ productIds: ['x'.repeat(100 * 1024)] })
      .catch((e) => e);
    expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
  });

  it('answers the standard health check and lists the service by reflection', async () => {
    expect(await checkHealth(address)).toBe('SERVING');
    expect(await checkHealth(address, 'acme.licensing.v1.LicensingService')).toBe('SERVING');
    expect(await listServicesByReflection(address)).toEqual([
      'acme.licensing.v1.LicensingService',
      'grpc.health.v1.Health',
    ]);
  });

  // A strict reflection client (buf curl) builds the whole schema from what the server sends: a
  // malformed descriptor (proto-loader's health map entry) made it fail after listing methods.
  it('serves every service and the health check to buf curl through reflection', async () => {
    const curl = (...args: string[]) =>
      execFileAsync(BUF, ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', ...args], { timeout: 60_000 });
    const listed = await curl('--list-methods', `http://${address}`);
    expect(listed.stdout).toContain('acme.licensing.v1.LicensingService/ListProducts');
    expect(listed.stdout).toContain('grpc.health.v1.Health/Check');
    const checked = await curl('--data', '{}', `http://${address}/grpc.health.v1.Health/Check`);
    expect(JSON.parse(checked.stdout)).toEqual({ status: 'SERVING' });
    const products = await curl(
      '--header',
      'authorization: Bearer good',
      '--data',
      '{}',
      `http://${address}/acme.licensing.v1.LicensingService/ListProducts`,
    );
    expect(JSON.parse(products.stdout)).toMatchObject({ products: [{ id: 'p1', name: 'for usr_test' }] });
  });
});

describe('graceful shutdown', () => {
  it('lets a running call finish, then stops', async () => {
    const own = new GrpcServer({
      logger: pino({ level: 'silent' }),
      maxResponseBytes: 1024 * 1024,
      maxRequestBytes: 64 * 1024,
      maxCallMs: 60_000,
    });
    const started = Promise.withResolvers<void>();
    own.addService({
      descriptor: LicensingService,
      authenticate: async () => ({}),
      handlers: {
        ...unimplementedHandlers(LicensingService),
        listQueues: async () => (started.resolve(), await sleep(300), { queues: [] }),
      },
    });
    const ownAddress = `127.0.0.1:${await own.listen('127.0.0.1', 0)}`;
    const c = createClient(LicensingService, ownAddress);
    const running = c.listQueues({});
    await started.promise;
    await own.shutdown(30_000);
    await expect(running).resolves.toMatchObject({ queues: [] });
    const after = await c.listProducts({}, { timeoutMs: 5_000 }).catch((e) => e);
    expect(after.code).toBe(status.UNAVAILABLE);
    c.close();
  });

  it('waits for a handler whose caller went away before it resolves', async () => {
    const own = new GrpcServer({
      logger: pino({ level: 'silent' }),
      maxResponseBytes: 1024 * 1024,
      maxRequestBytes: 64 * 1024,
      maxCallMs: 60_000,
    });
    let finished = false;
    const started = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    own.addService({
      descriptor: LicensingService,
      authenticate: async () => ({}),
      // Ignores its abort signal, as a handler inside a database transaction effectively does.
      handlers: {
        ...unimplementedHandlers(LicensingService),
        listQueues: async () => (started.resolve(), await release.promise, (finished = true), { queues: [] }),
      },
    });
    const c = createClient(LicensingService, `127.0.0.1:${await own.listen('127.0.0.1', 0)}`);
    const gone = c.listQueues({}, { timeoutMs: 2_000 }).catch((e) => e);
    await started.promise;
    expect((await gone).code).toBe(status.DEADLINE_EXCEEDED);
    const stopped = own.shutdown(30_000).then(() => finished);
    setTimeout(() => release.resolve(), 200);
    // grpc-js saw the call end at the deadline; shutdown still waited for the handler to return.
    expect(await stopped).toBe(true);
    c.close();
  });
});

describe('call metrics', () => {
  it('counts completed calls by method and status code', async () => {
    const before = await handledCount('ListProducts', 'OK');
    const good = createClient(LicensingService, address, { token: 'good' });
    await good.listProducts({});
    await good.getAccount({}).catch(() => undefined);
    good.close();
    expect(await handledCount('ListProducts', 'OK')).toBe(before + 1);
    expect(await handledCount('GetAccount', 'INVALID_ARGUMENT')).toBeGreaterThanOrEqual(1);
  });

  it('times calls by method in grpc_server_handling_seconds, the ecosystem name', async () => {
    const series = async (name: string, le?: number) =>
      (await registry.getSingleMetric('grpc_server_handling_seconds')!.get()).values.find(
        (v) =>
          (v as { metricName?: string }).metricName === name &&
          v.labels.grpc_method === 'ListQueues' &&
          v.labels.le === le,
      )?.value ?? 0;
    const before = await series('grpc_server_handling_seconds_count');
    const c = client();
    await c.listQueues({}); // its handler takes 300 ms
    c.close();
    const count = await series('grpc_server_handling_seconds_count');
    expect(count).toBe(before + 1);
    // The call took at least 300 ms (however busy the machine): it is above the 0.25 s bucket.
    expect(count - (await series('grpc_server_handling_seconds_bucket', 0.25))).toBeGreaterThanOrEqual(1);
  });
});

async function handledCount(method: string, code: string): Promise<number> {
  const metric = await registry.getSingleMetric('grpc_server_handled_total')!.get();
  return metric.values.find((v) => v.labels.grpc_method === method && v.labels.grpc_code === code)?.value ?? 0;
}

describe('server streaming', () => {
  it('sends every message in order, then the status', async () => {
    const c = client();
    const sequences: bigint[] = [];
    for await (const message of c.watchEntitlements({ resumeAfter: 5n }))
      if (message.event.case === 'snapshot') sequences.push(message.event.value.sequence);
    expect(sequences).toEqual([0n, 1n, 2n, 3n, 4n]);
    c.close();
  });

  it('ends with the refusal a handler throws after sending', async () => {
    const c = client();
    const received: unknown[] = [];
    const error = await (async () => {
      for await (const message of c.watchEntitlements({ resumeAfter: 2n, accountId: 'acct_fails' }))
        received.push(message);
    })().catch((e: unknown) => e);
    expect(received).toHaveLength(2);
    expect(decodeGrpcError(error as never)).toMatchObject({
      code: status.NOT_FOUND,
      errorInfo: { reason: 'NOT_FOUND' },
    });
    c.close();
  });

  it('cuts off a caller that stops reading, holding no more than the stream buffers', async () => {
    streamEnded = false;
    const c = client();
    const stream = c.watchEntitlements({}); // endless; this caller reads one message and stops
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    // The handler ends: its sends waited on the full buffer until the slow-reader bound.
    await vi.waitFor(() => expect(streamEnded).toBe(true), { timeout: 30_000, interval: 50 });
    const refused = registry.getSingleMetricAsString('grpc_server_handled_total');
    await expect(refused).resolves.toMatch(/grpc_method="WatchEntitlements",grpc_code="RESOURCE_EXHAUSTED"/);
    stream.cancel();
    c.close();
  });
});
