import type { ConsumedMessage, EventMessage } from '@acme/messaging';

/** Headers a dead letter carries, so whoever reads the dead-letter topic knows what and why. */
export const DEAD_LETTER_HEADERS = {
  reason: 'dlq-reason',
  topic: 'dlq-source-topic',
  partition: 'dlq-source-partition',
  offset: 'dlq-source-offset',
  failedAt: 'dlq-failed-at',
} as const;

/**
 * The original message, byte for byte and under its original key, plus why it was refused and
 * where it came from (topic, partition, offset identify it, so dead letters can be de-duplicated).
 */
export function deadLetter(message: ConsumedMessage, reason: string, at: Date): EventMessage {
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      [DEAD_LETTER_HEADERS.reason]: reason,
      [DEAD_LETTER_HEADERS.topic]: message.topic,
      [DEAD_LETTER_HEADERS.partition]: String(message.partition),
      [DEAD_LETTER_HEADERS.offset]: message.offset,
      [DEAD_LETTER_HEADERS.failedAt]: at.toISOString(),
    },
  };
}
