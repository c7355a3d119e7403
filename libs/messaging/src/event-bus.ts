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

/** A message as a consumer receives it: where it came from, so offsets can be recorded. */
export interface ConsumedMessage extends EventMessage {
  topic: string;
  partition: number;
  /** Kafka offset as a decimal string (int64); in-process delivery numbers messages per topic. */
  offset: string;
}

/**
 * Handles a batch of one partition's messages, in order. Resolving means "durably handled": only
 * then does the consumer commit the batch's offsets. Rejecting means "not handled": the same
 * messages come again (after a back-off), so handlers must be idempotent.
 */
export type BatchHandler = (messages: ConsumedMessage[]) => Promise<void>;

export interface EventConsumer {
  /** Starts consuming `topic` with `handler`; resolves once the consumer is running. */
  consume(topic: string, handler: BatchHandler): Promise<void>;
  /** Finishes the batch in hand (its offsets are committed if it succeeds), then leaves. */
  stop(): Promise<void>;
}
