export { startMockKafka } from './mock-cluster.js';
export type { MockKafka } from './mock-cluster.js';
export { withMockKafka } from './with-mock-kafka.js';
