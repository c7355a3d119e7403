/**
 * The project's own publisher/consumer seam. kafkajs is unmaintained upstream, so nothing outside
 * this lib talks to it; callers see only these interfaces. Messages are opaque bytes with a key
 * (the account id for license events) so ordering per key is preserved by every implementation.
 */
export interface EventMessage {
  /** Partitioning key: every message with the same key is delivered in publish order. */
  key: string;
  /** Serialized payload (an events v1 EventEnvelope in binary protobuf). */
  value: Uint8Array;
  headers?: Record<string, string>;
}

export interface EventPublisher {
  /** Resolves once every message is durably accepted; rejects otherwise (the caller retries). */
  publish(topic: string, messages: EventMessage[]): Promise<void>;
  close(): Promise<void>;
}

export type EventHandler = (message: EventMessage & { topic: string }) => Promise<void>;

export interface EventSubscriber {
  subscribe(topic: string, handler: EventHandler): Promise<void>;
  close(): Promise<void>;
}
