import {
  fromBinary,
  toBinary,
  type DescMessage,
  type DescMethod,
  type DescService,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import type { ServiceDefinition, MethodDefinition } from '@grpc/grpc-js';
import { AppError } from '@acme/util';
import { decodeRequest } from './malformed-request.js';

/**
 * protobuf-es generates messages and a service descriptor but no grpc-js service definition.
 * This turns the descriptor into one: paths from the descriptor, (de)serialisation with
 * protobuf-es' binary codec. A request over its method's `maxRequestBytes` is not decoded (see
 * decodeRequest). Only unary methods are served for now.
 */
export function toServiceDefinition(
  service: DescService,
  maxRequestBytes: (method: DescMethod) => number = () => Number.POSITIVE_INFINITY,
): ServiceDefinition {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods)
    definition[method.localName] = toMethodDefinition(service, method, maxRequestBytes(method));
  return definition as ServiceDefinition;
}

function serializeResponse(schema: DescMessage, message: object): Buffer {
  return Buffer.from(toBinary(schema, message as never));
}

/**
 * Freezes a response a handler keeps to answer again (a cached read: no call may change it) and
 * returns its encoded size, so that whoever keeps it can bound what it keeps.
 */
export function frozenSize(schema: DescMessage, message: object): number {
  return toBinary(schema, deepFreeze(message) as never).length;
}

/** Freezes a message and everything in it. */
export function deepFreeze<T extends object>(message: T): T {
  for (const value of Object.values(message)) {
    // Byte fields (Uint8Array) cannot be frozen; nothing here writes to them.
    if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) && !Object.isFrozen(value))
      deepFreeze(value);
  }
  return Object.freeze(message);
}

function toMethodDefinition(
  service: DescService,
  method: DescMethod,
  maxRequestBytes: number,
): MethodDefinition<unknown, unknown> {
  return {
    path: `/${service.typeName}/${method.name}`,
    originalName: method.name,
    requestStream: method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming',
    responseStream: method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming',
    requestSerialize: (message) => Buffer.from(toBinary(method.input, message as never)),
    requestDeserialize: (bytes) => decodeRequest(method.input, bytes, maxRequestBytes),
    responseSerialize: (message) => serializeResponse(method.output, message as object),
    responseDeserialize: (bytes) => fromBinary(method.output, bytes),
  };
}

/** What a handler learns about its call besides the request. */
export interface CallContext<P = unknown> {
  /** The verified caller, when the service requires authentication. */
  principal: P;
  /** `x-request-id` from the caller, or a generated one; echoed in errors and logs. */
  requestId: string;
  /** Aborted when the caller cancels or the deadline passes. */
  signal: AbortSignal;
  /** The call's deadline, if the caller set one. */
  deadline: Date | null;
  /** Full method name, e.g. `acme.licensing.v1.LicensingService/ListProducts`. */
  method: string;
}

/** What a server-streaming handler has besides: a way to send, which waits while the caller is behind. */
export interface StreamContext<P = unknown, O = unknown> extends CallContext<P> {
  /**
   * Sends one message. It resolves at once while the call's send buffer has room, and otherwise
   * once the caller has read enough; a caller that reads nothing for the server's slow-reader
   * bound is cut off (RESOURCE_EXHAUSTED), so a stream never holds more than its buffer.
   */
  send(message: O): Promise<void>;
}

/**
 * The implementation of a generated service: one handler per method, keyed by local name. A unary
 * handler answers its response; a server-streaming one sends through `context.send` and resolves
 * when the stream is complete.
 */
export type ServiceHandlers<S extends GenServiceMethods, P = unknown> = {
  [K in keyof S]: S[K]['methodKind'] extends 'server_streaming'
    ? (
        request: MessageShape<S[K]['input']>,
        context: StreamContext<P, MessageInitShape<S[K]['output']>>,
      ) => Promise<void>
    : (request: MessageShape<S[K]['input']>, context: CallContext<P>) => Promise<MessageInitShape<S[K]['output']>>;
};

export type ServiceDescriptor<S extends GenServiceMethods> = GenService<S>;

/**
 * Handlers that answer UNIMPLEMENTED with the method name: a base to spread real handlers over
 * while a service is being built, so an unfinished RPC says so instead of failing obscurely.
 */
export function unimplementedHandlers<S extends GenServiceMethods, P>(
  descriptor: ServiceDescriptor<S>,
): ServiceHandlers<S, P> {
  const handlers: Record<string, () => Promise<never>> = {};
  for (const method of descriptor.methods) {
    handlers[method.localName] = () =>
      Promise.reject(
        new AppError('unimplemented', `${descriptor.typeName}/${method.name} is not implemented yet`, {
          reason: 'UNIMPLEMENTED',
        }),
      );
  }
  return handlers as unknown as ServiceHandlers<S, P>;
}
