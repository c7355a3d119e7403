/**
 * A topic the brokers do not have, said once and clearly: which topic, and the command that
 * creates it. Without it, kafkajs answers "This server does not host this topic-partition" and a
 * relay retries forever while events wait in the outbox.
 */
export class MissingTopicError extends Error {
  constructor(
    readonly topic: string,
    options?: ErrorOptions,
  ) {
    super(
      `topic ${topic} does not exist on the brokers: create it with "npm run billing -- provision-topics" ` +
        '(the development broker, npm run kafka-mock, creates license-events and its dead-letter topic)',
      options,
    );
    this.name = 'MissingTopicError';
  }
}

/** kafkajs's protocol error for a topic the cluster does not host. */
const isUnknownTopic = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'UNKNOWN_TOPIC_OR_PARTITION';

/** `error` as a MissingTopicError when it says the topic does not exist; as it is otherwise. */
export function explainMissingTopic(error: unknown, topic: string): unknown {
  return isUnknownTopic(error) ? new MissingTopicError(topic, { cause: error }) : error;
}
