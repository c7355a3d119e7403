import { create, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import type { GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import { credentials, makeGenericClientConstructor, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { toServiceDefinition, type ServiceDescriptor } from './service-adapter.js';

export interface CallOptions {
  /** Bearer token sent as `authorization: Bearer <token>`. */
  token?: string;
  /** Relative deadline in milliseconds. */
  timeoutMs?: number;
  metadata?: Record<string, string>;
}

/** A promise-based client over a generated service descriptor; methods keyed by local name. */
export type PromiseClient<S extends GenServiceMethods> = {
  [K in keyof S]: (
    request: MessageInitShape<S[K]['input']>,
    options?: CallOptions,
  ) => Promise<MessageShape<S[K]['output']>>;
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
