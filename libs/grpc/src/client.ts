import { create, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import type { GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  type Client,
  type ClientReadableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { toServiceDefinition, type ServiceDescriptor } from './service-adapter.js';

export interface CallOptions {
  /** Bearer token sent as `authorization: Bearer <token>`. */
  token?: string;
  /** Relative deadline in milliseconds. */
  timeoutMs?: number;
  metadata?: Record<string, string>;
}

/** A server stream's messages, read with `for await`; `cancel` ends the call (the loop then throws CANCELLED). */
export type ServerStream<T> = AsyncIterable<T> & { cancel(): void };

/**
 * A promise-based client over a generated service descriptor; methods keyed by local name. A
 * server-streaming method answers a ServerStream; a read that stops reading leaves the messages
 * in the transport's buffers (grpc-js respects backpressure), as a slow caller would.
 */
export type PromiseClient<S extends GenServiceMethods> = {
  [K in keyof S]: S[K]['methodKind'] extends 'server_streaming'
    ? (request: MessageInitShape<S[K]['input']>, options?: CallOptions) => ServerStream<MessageShape<S[K]['output']>>
    : (request: MessageInitShape<S[K]['input']>, options?: CallOptions) => Promise<MessageShape<S[K]['output']>>;
} & { close(): void };

/** Options applied to every call of a client unless a call overrides them. */
export interface ClientOptions extends CallOptions {
  maxMessageBytes?: number;
}

export function createClient<S extends GenServiceMethods>(
  descriptor: ServiceDescriptor<S>,
  address: string,
  defaults: ClientOptions = {},
): PromiseClient<S> {
  const Constructor = makeGenericClientConstructor(toServiceDefinition(descriptor), descriptor.typeName);
  const channelOptions = defaults.maxMessageBytes
    ? {
        'grpc.max_send_message_length': defaults.maxMessageBytes,
        'grpc.max_receive_message_length': defaults.maxMessageBytes,
      }
    : {};
  type UnaryMethod = (
    request: unknown,
    metadata: Metadata,
    options: object,
    callback: (error: ServiceError | null, response: unknown) => void,
  ) => unknown;
  const raw = new Constructor(address, credentials.createInsecure(), channelOptions) as unknown as Client &
    Record<string, UnaryMethod>;
  const client: Record<string, unknown> = { close: () => raw.close() };
  for (const method of descriptor.methods) {
    client[method.localName] = (request: unknown, options: CallOptions = {}) => {
      const merged = { ...defaults, ...options, metadata: { ...defaults.metadata, ...options.metadata } };
      const metadata = new Metadata();
      if (merged.token) metadata.set('authorization', `Bearer ${merged.token}`);
      for (const [key, value] of Object.entries(merged.metadata)) metadata.set(key, value);
      const callOptions = merged.timeoutMs ? { deadline: new Date(Date.now() + merged.timeoutMs) } : {};
      if (method.methodKind === 'server_streaming') {
        const open = raw[method.localName] as unknown as (...args: unknown[]) => ClientReadableStream<unknown>;
        return serverStreamOf(open.call(raw, create(method.input, request as never), metadata, callOptions));
      }
      return new Promise((resolve, reject) =>
        raw[method.localName]!.call(
          raw,
          create(method.input, request as never),
          metadata,
          callOptions,
          (error: ServiceError | null, response: unknown) => (error ? reject(error) : resolve(response)),
        ),
      );
    };
  }
  return client as PromiseClient<S>;
}

/** A grpc-js client stream (any client's, also a raw one's) as a ServerStream. */
export function serverStreamOf<T>(stream: ClientReadableStream<T>): ServerStream<T> {
  return { [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator](), cancel: () => stream.cancel() };
}

/**
 * The first message of a server stream (undefined when it ends without one), then the stream is
 * cancelled: how a test or a probe calls a streaming method as if it were unary. A refusal before
 * the first message is thrown as the call's ServiceError.
 */
export async function firstMessage<T>(stream: ServerStream<T>): Promise<T | undefined> {
  try {
    for await (const message of stream) return message;
    return undefined;
  } finally {
    stream.cancel();
  }
}
