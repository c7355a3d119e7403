export { ensureMockBroker } from './build.js';
export { MockKafkaCommandError, startMockKafka } from './mock-cluster.js';
export type { ApiKey, BrokerSelector, ErrorCode, MockBroker, MockKafka, MockKafkaOptions, MockTopic } from './mock-cluster.js';
export { withMockKafka } from './with-mock-kafka.js';
export type { MockKafkaFixture } from './with-mock-kafka.js';
