import { create, type DescMethod } from '@bufbuild/protobuf';
import type { GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import {
  Server,
  ServerCredentials,
  status as GrpcStatus,
  Metadata,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceError,
  type sendUnaryData,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { Counter, Histogram, type Registry } from 'prom-client';
import { AppError, type Logger } from '@acme/util';
import { contextFromHeaders, failSpan, inSpan, SpanKind } from '@acme/telemetry';
import {
  toServiceDefinition,
  type CallContext,
  type ServiceDescriptor,
  type StreamContext,
  type ServiceHandlers,
} from './service-adapter.js';
import { toGrpcError } from './status-mapping.js';
import { RefusedRequest } from './malformed-request.js';
import { addReflection } from './reflection.js';
import { admittedCall, callGate, type Authenticate } from './call-gate.js';
import { ConnectionGate, DEFAULT_CONNECTION_LIMITS, sessionOptions, type ConnectionLimits } from './connection-gate.js';

export interface GrpcServerOptions {
  logger: Logger;
  /** Largest response sent, in bytes. */
  maxResponseBytes: number;
  /**
   * Largest request a method accepts, in bytes, after decompression, unless its registration
   * says otherwise (`maxRequestBytes` of ServiceRegistration). A larger request is refused with
   * RESOURCE_EXHAUSTED, reason REQUEST_TOO_LARGE, before it is decoded.
   */
  maxRequestBytes: number;
  /**
   * Longest a call may run when its caller set no deadline (or a later one): handlers see an
   * aborted signal after it, so nothing runs unbounded.
   */
  maxCallMs: number;
  /** A call must deliver its whole request within this time, or it is refused (REQUEST_TIMEOUT). */
  receiveTimeoutMs?: number;
  /** Bounds on connections (DEFAULT_CONNECTION_LIMITS for any left out). */
  connections?: Partial<ConnectionLimits>;
  /** Where to count calls by method and status code (`grpc_server_handled_total`); none when unset. */
  registry?: Registry;
  /**
   * A server-streaming call whose caller reads nothing for this long, with its send buffer full,
   * is ended with RESOURCE_EXHAUSTED (reason SLOW_READER): a stream holds at most its buffer.
   */
  slowReaderMs?: number;
}

export interface ServiceRegistration<S extends GenServiceMethods, P> {
  descriptor: ServiceDescriptor<S>;
  handlers: ServiceHandlers<NoInfer<S>, NoInfer<P>>;
  /** Establishes the caller from the call metadata, or throws an `unauthenticated` AppError. Runs before the request is read. */
  authenticate: Authenticate<P>;
  /** Request size limits of single methods, by local name, where the server's default does not fit. */
  maxRequestBytes?: Partial<Record<NoInfer<keyof S>, number>>;
}

/** How close to its deadline a cancelled call counts as having run out of time (see callSignal). */
const DEADLINE_SLACK_MS = 25;
export const DEFAULT_RECEIVE_TIMEOUT_MS = 10_000;
export const DEFAULT_SLOW_READER_MS = 10_000;

/**
 * grpc-js refuses a request above its own receive limit with a bare RESOURCE_EXHAUSTED (no
 * ErrorInfo): it checks the length before any interceptor or deserializer sees the message. The
 * transport limit is therefore this many times the largest method limit, so that a request up to
 * that size gets the project's error model from the adapter (REQUEST_TOO_LARGE), and only one
 * beyond it the transport's bare status (docs/security.md).
 */
const TRANSPORT_HEADROOM = 4;

/**
 * A grpc-js server with what callers expect of a production gRPC service: the standard health
 * service, server reflection, deadlines passed to handlers as an AbortSignal, errors as
 * google.rpc.Status, request ids, one log line per call, and graceful shutdown. It also defends
 * itself: callers are authenticated before their request is read (call-gate.ts), requests are
 * bounded in size and in the time to send them, and connections in number, handshake time, idle
 * time and age (connection-gate.ts).
 */
export class GrpcServer {
  private readonly health = new HealthImplementation({ '': 'NOT_SERVING' });
  private readonly registrations: ServiceRegistration<GenServiceMethods, unknown>[] = [];
  private server: Server | null = null;
  private gate: ConnectionGate | null = null;
  /** Handlers still running, also those whose caller went away: shutdown waits for them. */
  private readonly running = new Set<Promise<void>>();
  private readonly handled: Counter<'grpc_method' | 'grpc_code'> | null;
  private readonly handling: Histogram<'grpc_method'> | null;
  private readonly limits: ConnectionLimits;

  constructor(private readonly options: GrpcServerOptions) {
    this.handled = options.registry
      ? new Counter({
          name: 'grpc_server_handled_total',
          help: 'Completed calls by method and gRPC status code',
          labelNames: ['grpc_method', 'grpc_code'],
          registers: [options.registry],
        })
      : null;
    // The grpc ecosystem's names (go-grpc-prometheus, grpc-ecosystem/java-grpc-prometheus) and buckets.
    this.handling = options.registry
      ? new Histogram({
          name: 'grpc_server_handling_seconds',
          help: 'Time from a call reaching its handler to its answer (a stream: to its end), by method',
          labelNames: ['grpc_method'],
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers: [options.registry],
        })
      : null;
    this.limits = { ...DEFAULT_CONNECTION_LIMITS, ...options.connections };
  }

  addService<S extends GenServiceMethods, P>(registration: ServiceRegistration<S, P>): this {
    if (this.server) throw new Error('add services before listen()');
    const { descriptor } = registration;
    for (const method of descriptor.methods) {
      if (method.methodKind !== 'unary' && method.methodKind !== 'server_streaming')
        throw new Error(`${descriptor.typeName}.${method.name}: only unary and server-streaming methods are supported`);
      if (!(registration.handlers as Record<string, unknown>)[method.localName])
        throw new Error(`${descriptor.typeName}.${method.name} has no handler`);
    }
    this.registrations.push(registration as unknown as ServiceRegistration<GenServiceMethods, unknown>);
    return this;
  }

  /** Binds and starts serving; returns the bound port (useful with port 0). */
  async listen(host: string, port: number): Promise<number> {
    const requestLimit = (registration: ServiceRegistration<GenServiceMethods, unknown>, method: DescMethod) =>
      (registration.maxRequestBytes as Record<string, number> | undefined)?.[method.localName] ??
      this.options.maxRequestBytes;
    const largestRequest = Math.max(
      ...this.registrations.flatMap((r) => r.descriptor.methods.map((m) => requestLimit(r, m))),
      this.options.maxRequestBytes,
    );
    const authenticators = new Map<string, Authenticate>();
    for (const registration of this.registrations) {
      for (const method of registration.descriptor.methods)
        authenticators.set(`/${registration.descriptor.typeName}/${method.name}`, registration.authenticate);
    }
    const server = new Server({
      'grpc.max_receive_message_length': largestRequest * TRANSPORT_HEADROOM,
      'grpc.max_send_message_length': this.options.maxResponseBytes,
      // Nothing here serves channelz, and its per-call bookkeeping costs every call.
      'grpc.enable_channelz': 0,
      ...sessionOptions(this.limits),
      interceptors: [
        callGate({
          authenticatorFor: (path) => authenticators.get(path),
          receiveTimeoutMs: this.options.receiveTimeoutMs ?? DEFAULT_RECEIVE_TIMEOUT_MS,
          onRefused: (path, error, requestId) => this.countRefusal(path, error, requestId),
        }),
      ],
    });
    this.health.addToServer(server);
    for (const registration of this.registrations) {
      const { descriptor } = registration;
      const implementation: UntypedServiceImplementation = {};
      for (const method of descriptor.methods) {
        const handler = (
          registration.handlers as Record<string, (request: unknown, context: CallContext<unknown>) => Promise<unknown>>
        )[method.localName]!;
        const track = (run: Promise<void>) => {
          this.running.add(run);
          void run.finally(() => this.running.delete(run));
        };
        implementation[method.localName] =
          method.methodKind === 'server_streaming'
            ? (call: ServerWritableStream<unknown, unknown>) =>
                track(this.handleServerStream(descriptor.typeName, method, handler, call))
            : (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) =>
                track(this.handleUnary(descriptor.typeName, method, handler, call, callback));
      }
      server.addService(
        toServiceDefinition(descriptor, (method) => requestLimit(registration, method)),
        implementation,
      );
    }
    addReflection(
      server,
      this.registrations.map((r) => r.descriptor),
    );
    const injector = server.createConnectionInjector(ServerCredentials.createInsecure());
    const gate = new ConnectionGate(
      this.limits,
      (socket) => injector.injectConnection(socket),
      this.options.logger,
      this.options.registry,
    );
    const bound = await gate.listen(host, port);
    this.server = server;
    this.gate = gate;
    this.setServing(true);
    return bound;
  }

  setServing(serving: boolean): void {
    const value = serving ? 'SERVING' : 'NOT_SERVING';
    this.health.setStatus('', value);
    for (const { descriptor } of this.registrations) this.health.setStatus(descriptor.typeName, value);
  }

  /**
   * Stops taking new calls, lets running ones finish for up to `graceMs`, then cancels the rest.
   * Health turns NOT_SERVING first so load balancers stop routing here. It resolves once no
   * handler runs any more (or the grace period is over): grpc-js counts a call its caller
   * cancelled as finished while our handler may still be at work, and what the handler uses (the
   * database) is closed after this.
   */
  async shutdown(graceMs: number): Promise<void> {
    const { server, gate } = this;
    if (!server || !gate) return;
    this.server = null;
    this.gate = null;
    this.setServing(false);
    const deadline = Date.now() + graceMs;
    const untilDeadline = () =>
      new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())).unref());
    // Resolves once every connection has ended; grpc-js ends them once their calls are answered.
    const connectionsEnded = gate.close();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, graceMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (this.running.size > 0) await Promise.race([Promise.allSettled([...this.running]), untilDeadline()]);
    await Promise.race([connectionsEnded, untilDeadline()]);
    gate.destroyAll();
    await connectionsEnded;
  }

  /**
   * A call the gate answered (bad token, request not received in time, or an authenticator whose
   * own dependency failed): counted and logged like any other refused or failed call, one line with
   * its request id (operators want to see refused tokens).
   */
  private countRefusal(path: string, error: unknown, requestId: string): void {
    const code = toGrpcError(error, requestId).code ?? GrpcStatus.UNKNOWN;
    const method = path.slice(1);
    this.handled?.inc({ grpc_method: path.slice(path.lastIndexOf('/') + 1), grpc_code: GrpcStatus[code] ?? 'UNKNOWN' });
    if (code === GrpcStatus.INTERNAL) this.options.logger.error({ requestId, method, err: error }, 'call failed');
    else
      this.options.logger.info(
        { requestId, method, code: GrpcStatus[code], reason: (error as AppError).reason },
        'call refused',
      );
  }

  private handleUnary(
    serviceName: string,
    method: DescMethod,
    handler: (request: unknown, context: CallContext<unknown>) => Promise<unknown>,
    call: ServerUnaryCall<unknown, unknown>,
    callback: sendUnaryData<unknown>,
  ): Promise<void> {
    return this.runCall(serviceName, method, call, this.options.maxCallMs, {
      invoke: (context) => handler(call.request, context),
      answer: (response) => {
        const echo = new Metadata();
        echo.set('x-request-id', requestIdOf(call));
        call.sendMetadata(echo);
        callback(null, create(method.output, response as never));
      },
      refuse: (error) => callback(error),
    });
  }

  /**
   * A server-streaming call: the handler sends through `context.send`, which waits while the
   * stream's buffer is full (grpc-js' writable: 16 messages, then HTTP/2 flow control) and ends
   * the call as SLOW_READER when the caller reads nothing for `slowReaderMs`. Its deadline is
   * the caller's only: a watch runs until the caller, the connection's age or a shutdown ends it.
   */
  private handleServerStream(
    serviceName: string,
    method: DescMethod,
    handler: (request: unknown, context: StreamContext<unknown>) => Promise<unknown>,
    call: ServerWritableStream<unknown, unknown>,
  ): Promise<void> {
    const slowReaderMs = this.options.slowReaderMs ?? DEFAULT_SLOW_READER_MS;
    let echoed = false;
    const send = async (message: unknown) => {
      if (!echoed) {
        const echo = new Metadata();
        echo.set('x-request-id', requestIdOf(call));
        call.sendMetadata(echo);
        echoed = true;
      }
      if (call.write(create(method.output, message as never))) return;
      await drained(call, slowReaderMs);
    };
    return this.runCall(serviceName, method, call, Number.POSITIVE_INFINITY, {
      invoke: (callContext) => handler(call.request, { ...callContext, send }),
      answer: () => call.end(),
      refuse: (error) => call.emit('error', error),
    });
  }

  /**
   * What every call shares: the call gate's admission (fail closed), a request the transport
   * refused, the handler with its signal and deadline, the answer or the refusal as
   * google.rpc.Status, one log line and the handled counter.
   */
  private async runCall(
    serviceName: string,
    method: DescMethod,
    call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>,
    maxMs: number,
    io: {
      invoke: (context: CallContext<unknown>) => Promise<unknown>;
      answer: (result: unknown) => void;
      refuse: (error: Partial<ServiceError>) => void;
    },
  ): Promise<void> {
    const started = process.hrtime.bigint();
    const fullMethod = `${serviceName}/${method.name}`;
    const admitted = admittedCall(call.metadata);
    const requestId = admitted?.requestId ?? '';
    // The call's span continues the caller's trace (W3C traceparent in the metadata), and the
    // handler's spans (rules, transaction) and log lines belong to it.
    const parent = contextFromHeaders((name) => {
      const value = call.metadata.get(name)[0];
      return typeof value === 'string' ? value : undefined;
    });
    const attributes = {
      'rpc.system': 'grpc',
      'rpc.service': serviceName,
      'rpc.method': method.name,
      'acme.request_id': requestId,
    };
    return inSpan(fullMethod, { kind: SpanKind.SERVER, parent, attributes }, async (span) => {
      const { signal, deadline, expired, dispose } = this.callSignal(call, maxMs);
      // No child logger per call: building one costs more than most cached calls do.
      const log = this.options.logger;
      const subject = (admitted?.principal as { subject?: string } | null | undefined)?.subject;
      try {
        // Every call of a registered service passes the gate first; fail closed if one did not.
        if (!admitted) throw new Error(`${fullMethod} reached its handler without passing the call gate`);
        // A request too large or that did not decode: grpc-js would say INTERNAL; the caller learns why.
        if (call.request instanceof RefusedRequest) throw call.request.toError();
        const result = await io.invoke({
          principal: admitted.principal,
          requestId,
          signal,
          deadline,
          method: fullMethod,
        });
        if (signal.aborted) {
          throw expired()
            ? new AppError('deadline_exceeded', 'the call ran past its deadline', { reason: 'DEADLINE_EXCEEDED' })
            : new AppError('cancelled', 'the caller cancelled the call', { reason: 'CANCELLED' });
        }
        io.answer(result);
        span.setAttribute('rpc.grpc.status_code', GrpcStatus.OK);
        this.handled?.inc({ grpc_method: method.name, grpc_code: 'OK' });
        log.info({ requestId, method: fullMethod, code: 'OK', subject, ms: elapsedMs(started) }, 'call');
      } catch (error) {
        const grpcError = toGrpcError(error, requestId);
        span.setAttribute('rpc.grpc.status_code', grpcError.code ?? GrpcStatus.UNKNOWN);
        if (SERVER_FAULTS.has(grpcError.code ?? GrpcStatus.UNKNOWN)) failSpan(span, error);
        this.handled?.inc({
          grpc_method: method.name,
          grpc_code: GrpcStatus[grpcError.code ?? GrpcStatus.UNKNOWN] ?? 'UNKNOWN',
        });
        if (grpcError.code === GrpcStatus.INTERNAL)
          log.error({ requestId, method: fullMethod, err: error, subject, ms: elapsedMs(started) }, 'call failed');
        else
          log.info(
            {
              requestId,
              method: fullMethod,
              code: GrpcStatus[grpcError.code ?? 2],
              reason: (error as AppError).reason,
              subject,
              ms: elapsedMs(started),
            },
            'call refused',
          );
        io.refuse(grpcError);
      } finally {
        dispose();
        this.handling?.observe({ grpc_method: method.name }, elapsedMs(started) / 1000);
      }
    });
  }

  private callSignal(call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>, maxMs: number) {
    const controller = new AbortController();
    const onCancel = () => controller.abort(new Error('cancelled by the caller'));
    call.once('cancelled', onCancel);
    const callerDeadline = call.getDeadline();
    const callerMs = callerDeadline instanceof Date ? callerDeadline.getTime() : Number(callerDeadline);
    const limitMs = Math.min(Number.isFinite(callerMs) ? callerMs : Infinity, Date.now() + maxMs);
    const timer = Number.isFinite(limitMs)
      ? setTimeout(() => controller.abort(new Error('deadline exceeded')), Math.max(0, limitMs - Date.now()))
      : undefined;
    return {
      signal: controller.signal,
      deadline: Number.isFinite(callerMs) ? new Date(callerMs) : null,
      /**
       * True once the deadline (the caller's or the server's maximum) has passed, or nearly: the
       * caller's own timer cancels the call at the same deadline, and its cancellation can arrive
       * before ours fires, since our copy of the deadline starts when its headers were read.
       */
      expired: () => Date.now() >= limitMs - DEADLINE_SLACK_MS,
      dispose: () => {
        clearTimeout(timer);
        call.removeListener('cancelled', onCancel);
      },
    };
  }
}

/**
 * Codes that mean the server failed the call, which mark its span failed (OpenTelemetry's gRPC
 * conventions); a refusal of the caller's request (INVALID_ARGUMENT, PERMISSION_DENIED...) is an answer.
 */
const SERVER_FAULTS = new Set<number>([
  GrpcStatus.UNKNOWN,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.UNIMPLEMENTED,
  GrpcStatus.INTERNAL,
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DATA_LOSS,
]);

/** The call's request id as the gate admitted it. */
const requestIdOf = (call: { metadata: Metadata }) => admittedCall(call.metadata)?.requestId ?? '';

/** Resolves when the stream's buffer has room again; SLOW_READER when its caller read nothing for `ms`. */
function drained(call: ServerWritableStream<unknown, unknown>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      call.removeListener('drain', onDrain);
      call.removeListener('close', onDrain);
    };
    const onDrain = () => {
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(
        new AppError('resource_exhausted', `the caller read nothing for ${ms} ms with the stream's buffer full`, {
          reason: 'SLOW_READER',
        }),
      );
    }, ms);
    call.once('drain', onDrain);
    // A cancelled call never drains: the handler learns it from its signal.
    call.once('close', onDrain);
  });
}

function elapsedMs(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}
