export type { EventMessage, EventPublisher, EventConsumer, ConsumedMessage, BatchHandler } from './event-bus.js';
export { InProcessEventBus } from './in-process-event-bus.js';
export { createKafka } from './kafka/kafka-connection.js';
export { KafkaPublisher } from './kafka/kafka-publisher.js';
export { KafkaEventConsumer } from './kafka/kafka-consumer.js';
export { TopicAdmin } from './kafka/topic-admin.js';
export type { PartitionLag } from './kafka/topic-admin.js';
export { readTopicSnapshot } from './kafka/topic-reader.js';
export type { Kafka } from 'kafkajs';

/** The topic license events travel on; the key is the account id. */
export const LICENSE_EVENTS_TOPIC = 'license-events';
/** Where consumers put license events they cannot handle, with the reason in a header. */
export const LICENSE_EVENTS_DLQ_TOPIC = 'license-events.dlq';

/**
 * The topics a deployment of ours needs, for a broker (or the test broker) to create: the events'
 * topic with `partitions` (accounts spread over them by key) and the dead-letter topic.
 */
export function licenseTopics(partitions: number): { name: string; partitions: number }[] {
  return [
    { name: LICENSE_EVENTS_TOPIC, partitions },
    { name: LICENSE_EVENTS_DLQ_TOPIC, partitions: 1 },
  ];
}
