import { afterAll, beforeAll } from 'vitest';
import { startMockKafka, type MockKafka, type MockKafkaOptions } from './mock-cluster.js';

export interface MockKafkaFixture {
  /** The running cluster; readable from the file's `beforeAll` hooks on. */
  readonly kafka: MockKafka;
  /** Shorthand for `kafka.bootstrap`. */
  readonly bootstrap: string[];
}

/** A cold first run builds librdkafka (about a minute); projects without a vitest hookTimeout get this. */
const START_TIMEOUT_MS = 10 * 60_000;

/**
 * A Kafka mock cluster of the calling test file's own, started before its tests and stopped
 * after them. Call it at the top of the file, before other hooks
 * (`const mock = withMockKafka({ topics: [{ name: 'events', partitions: 3 }] })`): vitest runs
 * `afterAll` hooks in reverse order, so the cluster stops after the file's own clean-up
 * (disconnecting its clients).
 */
export function withMockKafka(options: MockKafkaOptions = {}): MockKafkaFixture {
  let kafka: MockKafka | undefined;
  beforeAll(async () => {
    kafka = await startMockKafka(options);
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await kafka?.stop();
  });
  const current = (): MockKafka => {
    if (!kafka) throw new Error('the mock Kafka cluster exists from beforeAll on; use it inside a hook or a test');
    return kafka;
  };
  return {
    get kafka() {
      return current();
    },
    get bootstrap() {
      return current().bootstrap;
    },
  };
}
