import { randomUUID } from 'node:crypto';
import { create, type DescMethod } from '@bufbuild/protobuf';
import type { GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import { Server, ServerCredentials, status as GrpcStatus, Metadata, type ServerUnaryCall, type sendUnaryData, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { Counter, type Registry } from 'prom-client';
import { AppError, type Logger } from '@acme/util';
import { toServiceDefinition, type CallContext, type ServiceDescriptor, type ServiceHandlers } from './service-adapter.js';
import { toGrpcError } from './status-mapping.js';
import { MalformedRequest } from './malformed-request.js';
import { addReflection } from './reflection.js';

export interface GrpcServerOptions {
  logger: Logger;
  /** Largest request or response accepted, in bytes. */
  maxMessageBytes: number;
  /**
   * Longest a call may run when its caller set no deadline (or a later one): handlers see an
   * aborted signal after it, so nothing runs unbounded.
   */
  maxCallMs: number;
  /** Where to count calls by method and status code (`grpc_server_handled_total`); none when unset. */
  registry?: Registry;
}

export interface ServiceRegistration<S extends GenServiceMethods, P> {
  descriptor: ServiceDescriptor<S>;
  handlers: ServiceHandlers<NoInfer<S>, NoInfer<P>>;
  /** Establishes the caller from the call metadata, or throws an `unauthenticated` AppError. */
  authenticate: (metadata: Metadata) => Promise<P>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** How close to its deadline a cancelled call counts as having run out of time (see callSignal). */
const DEADLINE_SLACK_MS = 25;

/**
 * A grpc-js server with what callers expect of a production gRPC service: the standard health
 * service, server reflection, deadlines passed to handlers as an AbortSignal, errors as
 * google.rpc.Status, request ids, one log line per call, and graceful shutdown.
 */
export class GrpcServer {
  private readonly server: Server;
  private readonly health = new HealthImplementation({ '': 'NOT_SERVING' });
  private readonly serviceNames: string[] = [];
  private readonly descriptors: ServiceDescriptor<GenServiceMethods>[] = [];
  private started = false;
  /** Handlers still running, also those whose caller went away: shutdown waits for them. */
  private readonly running = new Set<Promise<void>>();
  private readonly handled: Counter<'grpc_method' | 'grpc_code'> | null;

  constructor(private readonly options: GrpcServerOptions) {
    this.handled = options.registry
      ? new Counter({ name: 'grpc_server_handled_total', help: 'Completed calls by method and gRPC status code', labelNames: ['grpc_method', 'grpc_code'], registers: [options.registry] })
      : null;
    this.server = new Server({
      'grpc.max_receive_message_length': options.maxMessageBytes,
      'grpc.max_send_message_length': options.maxMessageBytes,
    });
    this.health.addToServer(this.server);
  }

  addService<S extends GenServiceMethods, P>(registration: ServiceRegistration<S, P>): this {
    const { descriptor } = registration;
    const implementation: UntypedServiceImplementation = {};
    for (const method of descriptor.methods) {
      if (method.methodKind !== 'unary') throw new Error(`${descriptor.typeName}.${method.name}: only unary methods are supported`);
      const handler = (registration.handlers as Record<string, ServiceHandlers<S, P>[keyof S]>)[method.localName];
      if (!handler) throw new Error(`${descriptor.typeName}.${method.name} has no handler`);
      implementation[method.localName] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
        const run = this.handleUnary(descriptor.typeName, method, handler as never, registration.authenticate, call, callback);
        this.running.add(run);
        void run.finally(() => this.running.delete(run));
      };
    }
    this.server.addService(toServiceDefinition(descriptor), implementation);
    this.serviceNames.push(descriptor.typeName);
    this.descriptors.push(descriptor as ServiceDescriptor<GenServiceMethods>);
    return this;
  }

  /** Binds and starts serving; returns the bound port (useful with port 0). */
  async listen(host: string, port: number): Promise<number> {
    addReflection(this.server, this.descriptors);
    const bound = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${port}`, ServerCredentials.createInsecure(), (error, actual) =>
        error ? reject(error) : resolve(actual),
      ),
    );
    this.started = true;
    this.setServing(true);
    return bound;
  }

  setServing(serving: boolean): void {
    const value = serving ? 'SERVING' : 'NOT_SERVING';
    this.health.setStatus('', value);
    for (const name of this.serviceNames) this.health.setStatus(name, value);
  }

  /**
   * Stops taking new calls, lets running ones finish for up to `graceMs`, then cancels the rest.
   * Health turns NOT_SERVING first so load balancers stop routing here. It resolves once no
   * handler runs any more (or the grace period is over): grpc-js counts a call its caller
   * cancelled as finished while our handler may still be at work, and what the handler uses (the
   * database) is closed after this.
   */
  async shutdown(graceMs: number): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.setServing(false);
    const deadline = Date.now() + graceMs;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    const left = deadline - Date.now();
    if (this.running.size > 0 && left > 0) {
      await Promise.race([Promise.allSettled([...this.running]), new Promise((resolve) => setTimeout(resolve, left).unref())]);
    }
  }

  private async handleUnary<P>(
    serviceName: string,
    method: DescMethod,
    handler: (request: unknown, context: CallContext<P>) => Promise<unknown>,
    authenticate: (metadata: Metadata) => Promise<P>,
    call: ServerUnaryCall<unknown, unknown>,
    callback: sendUnaryData<unknown>,
  ): Promise<void> {
    const started = process.hrtime.bigint();
    const fullMethod = `${serviceName}/${method.name}`;
    const offered = call.metadata.get('x-request-id')[0];
    const requestId = typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : randomUUID();
    const { signal, deadline, expired, dispose } = this.callSignal(call);
    // No child logger per call: building one costs more than most cached calls do.
    const log = this.options.logger;
    let subject: string | undefined;
    try {
      const principal = await authenticate(call.metadata);
      subject = (principal as { subject?: string } | null)?.subject;
      // Bytes that did not decode: grpc-js would say INTERNAL; the caller learns which field is bad.
      if (call.request instanceof MalformedRequest) throw call.request.toError();
      const response = await handler(call.request, { principal, requestId, signal, deadline, method: fullMethod });
      if (signal.aborted) {
        throw expired()
          ? new AppError('deadline_exceeded', 'the call ran past its deadline', { reason: 'DEADLINE_EXCEEDED' })
          : new AppError('cancelled', 'the caller cancelled the call', { reason: 'CANCELLED' });
      }
      const echo = new Metadata();
      echo.set('x-request-id', requestId);
      call.sendMetadata(echo);
      callback(null, create(method.output, response as never));
      this.handled?.inc({ grpc_method: method.name, grpc_code: 'OK' });
      log.info({ requestId, method: fullMethod, code: 'OK', subject, ms: elapsedMs(started) }, 'call');
    } catch (error) {
      const grpcError = toGrpcError(error, requestId);
      this.handled?.inc({ grpc_method: method.name, grpc_code: GrpcStatus[grpcError.code ?? GrpcStatus.UNKNOWN] ?? 'UNKNOWN' });
      if (grpcError.code === GrpcStatus.INTERNAL) log.error({ requestId, method: fullMethod, err: error, subject, ms: elapsedMs(started) }, 'call failed');
      else log.info({ requestId, method: fullMethod, code: GrpcStatus[grpcError.code ?? 2], reason: (error as AppError).reason, subject, ms: elapsedMs(started) }, 'call refused');
      callback(grpcError);
    } finally {
      dispose();
    }
  }

  private callSignal(call: ServerUnaryCall<unknown, unknown>) {
    const controller = new AbortController();
    const onCancel = () => controller.abort(new Error('cancelled by the caller'));
    call.once('cancelled', onCancel);
    const callerDeadline = call.getDeadline();
    const callerMs = callerDeadline instanceof Date ? callerDeadline.getTime() : Number(callerDeadline);
    const limitMs = Math.min(Number.isFinite(callerMs) ? callerMs : Infinity, Date.now() + this.options.maxCallMs);
    const timer = setTimeout(() => controller.abort(new Error('deadline exceeded')), Math.max(0, limitMs - Date.now()));
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

function elapsedMs(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}
