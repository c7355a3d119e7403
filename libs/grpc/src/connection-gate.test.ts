/**
 * Connections that never become calls, over real sockets: each is closed by the server within
 * its configured bound. Every wait below is bounded generously (a hang fails the test, a slow
 * machine does not); what is asserted is that the server closed the connection, not how fast.
 */
import { connect as connectHttp2, constants, type ClientHttp2Session } from 'node:http2';
import { connect as connectTcp, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { LicensingService } from '@acme/contracts';
import { GrpcServer } from './server.js';
import { unimplementedHandlers } from './service-adapter.js';
import { checkHealth } from './probes.js';
import type { ConnectionLimits } from './connection-gate.js';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
/** How long a test waits for the server to act before calling it a hang. */
const HANG_MS = 20_000;

async function serve(connections: Partial<ConnectionLimits>, registry?: Registry) {
  const server = new GrpcServer({
    logger: pino({ level: 'silent' }),
    maxResponseBytes: 65536,
    maxRequestBytes: 65536,
    maxCallMs: 5000,
    connections,
    ...(registry ? { registry } : {}),
  });
  server.addService({
    descriptor: LicensingService,
    authenticate: async () => ({}),
    handlers: { ...unimplementedHandlers(LicensingService), listQueues: async () => ({ queues: [] }) },
  });
  const port = await server.listen('127.0.0.1', 0);
  return { server, port, address: `127.0.0.1:${port}` };
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.on('error', reject);
    socket.on('data', () => undefined);
  });
}

/** Resolves with how long the server took to close the socket; rejects if it did not within HANG_MS. */
function closedByServer(socket: Socket): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    if (socket.destroyed) return resolve(0);
    const timer = setTimeout(
      () => reject(new Error(`the server did not close the connection within ${HANG_MS} ms`)),
      HANG_MS,
    );
    socket.once('close', () => (clearTimeout(timer), resolve(Date.now() - started)));
  });
}

function http2Session(address: string): Promise<ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = connectHttp2(`http://${address}`);
    session.once('remoteSettings', () => resolve(session));
    session.once('error', reject);
  });
}

const sessionClosed = (session: ClientHttp2Session) =>
  new Promise<void>((resolve, reject) => {
    if (session.closed || session.destroyed) return resolve();
    const timer = setTimeout(
      () => reject(new Error(`the server did not close the session within ${HANG_MS} ms`)),
      HANG_MS,
    );
    session.once('close', () => (clearTimeout(timer), resolve()));
  });

describe('connection bounds', () => {
  let handshake: Awaited<ReturnType<typeof serve>>;
  const registry = new Registry();
  beforeAll(async () => {
    handshake = await serve(
      { handshakeTimeoutMs: 300, idleTimeoutMs: 600, maxConnectionAgeMs: 1_500, maxConnectionAgeGraceMs: 300 },
      registry,
    );
  });
  afterAll(() => handshake.server.shutdown(1000));

  it('closes a connection that sends half the HTTP/2 preface and stops', async () => {
    const socket = await openSocket(handshake.port);
    socket.write(PREFACE.subarray(0, 12));
    await closedByServer(socket);
  });

  it('closes a connection that trickles the preface one byte at a time, however steadily', async () => {
    const socket = await openSocket(handshake.port);
    let sent = 0;
    // The whole preface would take 24 x 200 ms, sixteen times the handshake timeout.
    const trickle = setInterval(
      () => sent < PREFACE.length && !socket.destroyed && socket.write(PREFACE.subarray(sent, ++sent)),
      200,
    );
    try {
      await closedByServer(socket);
    } finally {
      clearInterval(trickle);
    }
    // The server closed it before the preface was complete, though bytes kept coming.
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(PREFACE.length);
  });

  it('closes a connection that is not HTTP/2 at once', async () => {
    const socket = await openSocket(handshake.port);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await closedByServer(socket);
  });

  it('closes a connection that completed its preface but opens no call, after the idle timeout', async () => {
    const session = await http2Session(handshake.address);
    await sessionClosed(session);
  });

  // nghttp2 counts the half-received stream as open, so the idle GOAWAY does not end this
  // connection: the maximum age does, with its grace (docs/security.md).
  it('closes a connection that leaves a header block unfinished, at its maximum age', async () => {
    const socket = await openSocket(handshake.port);
    // Preface, empty SETTINGS, then HEADERS for stream 1 without END_HEADERS, and no CONTINUATION.
    const settings = Buffer.from([0, 0, 0, 0x4, 0, 0, 0, 0, 0]);
    const headers = Buffer.from([0, 0, 1, 0x1, 0, 0, 0, 0, 1, 0x83]);
    socket.write(Buffer.concat([PREFACE, settings, headers]));
    await closedByServer(socket);
  });

  it('still serves calls, and counts what it refused', async () => {
    expect(await checkHealth(handshake.address)).toBe('SERVING');
    const refused = await registry.getSingleMetric('grpc_server_connections_refused_total')!.get();
    const byReason = Object.fromEntries(refused.values.map((v) => [v.labels.reason, v.value]));
    expect(byReason.handshake_timeout).toBeGreaterThanOrEqual(2);
    expect(byReason.not_http2).toBeGreaterThanOrEqual(1);
  });
});

describe('connection counts', () => {
  it('closes connections beyond the per-process bound as soon as they are accepted', async () => {
    const { server, port, address } = await serve({ maxConnections: 3, maxConnectionsPerPeer: 0 });
    const held = await Promise.all([openSocket(port), openSocket(port), openSocket(port)]);
    try {
      const extra = await openSocket(port);
      await closedByServer(extra);
      held.forEach((s) => s.destroy());
      // Freed slots serve again.
      await expect.poll(() => checkHealth(address).catch(() => 'refused'), { timeout: HANG_MS }).toBe('SERVING');
    } finally {
      held.forEach((s) => s.destroy());
      await server.shutdown(1000);
    }
  });

  it('closes connections beyond the per-peer bound', async () => {
    const { server, port } = await serve({ maxConnections: 100, maxConnectionsPerPeer: 2 });
    const held = await Promise.all([openSocket(port), openSocket(port)]);
    try {
      await closedByServer(await openSocket(port));
    } finally {
      held.forEach((s) => s.destroy());
      await server.shutdown(1000);
    }
  });
});

describe('inside a connection', () => {
  it('announces its bound on concurrent streams', async () => {
    const { server, address } = await serve({ maxConcurrentStreams: 7 });
    const session = await http2Session(address);
    try {
      expect(session.remoteSettings.maxConcurrentStreams).toBe(7);
    } finally {
      session.destroy();
      await server.shutdown(1000);
    }
  });

  it('asks a connection to go away once it reaches its maximum age, however busy', async () => {
    const { server, address } = await serve({
      maxConnectionAgeMs: 300,
      maxConnectionAgeGraceMs: 300,
      idleTimeoutMs: 600_000,
    });
    const session = await http2Session(address);
    const goaway = new Promise<number>((resolve) => session.once('goaway', (code) => resolve(code)));
    // Keep it busy: a call every 50 ms, so only its age can end it.
    const busy = setInterval(() => {
      if (session.closed || session.destroyed) return;
      const stream = session.request({
        ':method': 'POST',
        ':path': '/grpc.health.v1.Health/Check',
        'content-type': 'application/grpc',
        te: 'trailers',
      });
      stream.on('error', () => undefined);
      stream.resume();
      stream.end(Buffer.from([0, 0, 0, 0, 0]));
    }, 50);
    try {
      expect(await goaway).toBe(constants.NGHTTP2_NO_ERROR);
      await sessionClosed(session);
    } finally {
      clearInterval(busy);
      session.destroy();
      await server.shutdown(1000);
    }
  });

  it('keeps a connection that completes its handshake late but within the bound', async () => {
    const { server, port } = await serve({ handshakeTimeoutMs: 5_000 });
    const socket = await openSocket(port);
    try {
      socket.write(PREFACE.subarray(0, 10));
      await sleep(100);
      socket.write(PREFACE.subarray(10));
      socket.write(Buffer.from([0, 0, 0, 0x4, 0, 0, 0, 0, 0]));
      // The server answers with its own SETTINGS frame (type 4): the connection reached HTTP/2.
      const frameType = await new Promise<number>((resolve) =>
        socket.once('data', (chunk: Buffer) => resolve(chunk[3]!)),
      );
      expect(frameType).toBe(0x4);
    } finally {
      socket.destroy();
      await server.shutdown(1000);
    }
  });
});
