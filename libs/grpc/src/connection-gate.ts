import { createServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '@acme/util';

/**
 * Bounds on the connections of one gRPC server process. Every figure is configurable (the
 * licensing service reads them from GRPC_* variables; README, Configuration) and documented with
 * its default in docs/security.md.
 */
export interface ConnectionLimits {
  /** Open connections per process; a connection beyond it is closed as soon as it is accepted. */
  maxConnections: number;
  /** Open connections per remote address; 0 for no such bound (behind a proxy every peer is the proxy). */
  maxConnectionsPerPeer: number;
  /** A new connection must send the whole HTTP/2 connection preface within this time. */
  handshakeTimeoutMs: number;
  /** A connection with no call in flight for this long is closed (GOAWAY); the client reconnects on its next call. */
  idleTimeoutMs: number;
  /** Every connection is asked to go away (GOAWAY) after this age (+-10% jitter), so no connection lives forever. */
  maxConnectionAgeMs: number;
  /** Calls still running on a connection past its age may finish for this long; then it is closed. */
  maxConnectionAgeGraceMs: number;
  /** Concurrent calls (HTTP/2 streams) per connection, announced in the server's SETTINGS. */
  maxConcurrentStreams: number;
  /** The server pings a connection this often and closes it when no answer comes within `keepaliveTimeoutMs`. */
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnections: 1_000,
  maxConnectionsPerPeer: 100,
  handshakeTimeoutMs: 5_000,
  idleTimeoutMs: 300_000,
  maxConnectionAgeMs: 600_000,
  maxConnectionAgeGraceMs: 30_000,
  maxConcurrentStreams: 100,
  keepaliveTimeMs: 120_000,
  keepaliveTimeoutMs: 20_000,
};

/** The limits grpc-js applies itself, once a connection has become an HTTP/2 session. */
export function sessionOptions(limits: ConnectionLimits): Record<string, number> {
  return {
    'grpc.max_connection_idle_ms': limits.idleTimeoutMs,
    'grpc.max_connection_age_ms': limits.maxConnectionAgeMs,
    'grpc.max_connection_age_grace_ms': limits.maxConnectionAgeGraceMs,
    'grpc.max_concurrent_streams': limits.maxConcurrentStreams,
    'grpc.keepalive_time_ms': limits.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': limits.keepaliveTimeoutMs,
  };
}

/** The 24 bytes every HTTP/2 client sends first (RFC 9113, 3.4). */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

type RefusedReason = 'process_limit' | 'peer_limit' | 'handshake_timeout' | 'not_http2';

/**
 * Accepts TCP connections in front of grpc-js and hands them over only once they have sent the
 * whole HTTP/2 preface. grpc-js (1.14) bounds what happens inside an HTTP/2 session (idle time,
 * age, streams, keepalive: `sessionOptions`) but holds a connection that never completes its
 * preface forever, and has no bound on the number of connections; that is done here, before the
 * socket reaches it. The bytes read while waiting are put back, and Node's HTTP/2 session reads
 * them first.
 */
export class ConnectionGate {
  private readonly server: NetServer;
  private readonly perPeer = new Map<string, number>();
  /** Every open connection; `waiting` also holds those still sending their preface. */
  private readonly sockets = new Set<Socket>();
  private readonly waiting = new Set<Socket>();
  private readonly open: Gauge | null;
  private readonly refused: Counter<'reason'> | null;

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly inject: (connection: Duplex) => void,
    private readonly logger: Logger,
    registry?: Registry,
  ) {
    this.open = registry
      ? new Gauge({ name: 'grpc_server_connections', help: 'Open connections to the gRPC port', registers: [registry] })
      : null;
    this.refused = registry
      ? new Counter({
          name: 'grpc_server_connections_refused_total',
          help: 'Connections closed before serving a call, by reason',
          labelNames: ['reason'],
          registers: [registry],
        })
      : null;
    this.server = createServer({ pauseOnConnect: true, noDelay: true }, (socket) => this.accept(socket));
    this.server.maxConnections = limits.maxConnections;
    this.server.on('drop', () => this.refuse('process_limit'));
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port }, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as { port: number }).port);
      });
    });
  }

  /**
   * Stops accepting and drops connections still in their handshake; resolves once every
   * connection has closed (grpc-js's shutdown closes the ones it serves).
   */
  close(): Promise<void> {
    for (const socket of this.waiting) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Destroys every connection still open (after a shutdown's grace period). */
  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  private accept(socket: Socket): void {
    const peer = socket.remoteAddress ?? '';
    const peerCount = (this.perPeer.get(peer) ?? 0) + 1;
    if (this.limits.maxConnectionsPerPeer > 0 && peerCount > this.limits.maxConnectionsPerPeer) {
      socket.destroy();
      this.refuse('peer_limit');
      return;
    }
    this.perPeer.set(peer, peerCount);
    this.sockets.add(socket);
    this.open?.inc();
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.open?.dec();
      const left = (this.perPeer.get(peer) ?? 1) - 1;
      if (left > 0) this.perPeer.set(peer, left);
      else this.perPeer.delete(peer);
    });
    socket.on('error', () => undefined);
    this.awaitPreface(socket);
  }

  private awaitPreface(socket: Socket): void {
    const chunks: Buffer[] = [];
    let received = 0;
    const timer = setTimeout(() => finish('handshake_timeout'), this.limits.handshakeTimeoutMs);
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      const head = Buffer.concat(chunks);
      if (!head.subarray(0, PREFACE.length).equals(PREFACE.subarray(0, Math.min(received, PREFACE.length))))
        return finish('not_http2');
      if (received >= PREFACE.length) finish(null);
    };
    const finish = (refusal: RefusedReason | null) => {
      clearTimeout(timer);
      this.waiting.delete(socket);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (refusal) {
        socket.destroy();
        this.refuse(refusal);
        return;
      }
      socket.pause();
      socket.unshift(Buffer.concat(chunks));
      this.inject(socket);
    };
    const onClose = () => {
      clearTimeout(timer);
      this.waiting.delete(socket);
    };
    this.waiting.add(socket);
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.resume();
  }

  private refuse(reason: RefusedReason): void {
    this.refused?.inc({ reason });
    this.logger.debug({ reason }, 'connection refused');
  }
}
