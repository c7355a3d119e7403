import { describe, expect, it } from 'vitest';
import { MockKafkaCommandError } from './mock-cluster.js';
import { accepts } from '../test/test-support.js';
import { withMockKafka } from './with-mock-kafka.js';

const mock = withMockKafka({ brokers: 2, topics: [{ name: 'orders', partitions: 2, replication: 2 }] });

describe('withMockKafka and the typed helpers', () => {
  it('gives the file a running cluster of its own', async () => {
    expect(mock.bootstrap).toEqual(mock.kafka.bootstrap);
    expect(await Promise.all(mock.bootstrap.map(accepts))).toEqual([true, true]);
    expect(await mock.kafka.brokers()).toEqual(mock.bootstrap.map((address, id) => ({ id, address, up: true })));
  });

  it('moves leaders, also off a broker going down', async () => {
    await mock.kafka.moveLeader('orders', 0, 1);
    await mock.kafka.moveLeader('orders', 1, 0);
    expect(await mock.kafka.leaders('orders')).toEqual([1, 0]);
    expect(await mock.kafka.brokerDown(1)).toBe(1);
    expect(await mock.kafka.leaders('orders')).toEqual([0, 0]);
    expect(await mock.kafka.brokerDown(0, { moveLeaders: false })).toBe(0);
    expect((await mock.kafka.brokers()).map((b) => b.up)).toEqual([false, false]);
    await mock.kafka.brokerUp('all');
  });

  it('creates topics', async () => {
    await mock.kafka.createTopic('audit', 3, 1);
    expect(await mock.kafka.topics()).toEqual([
      { name: 'orders', partitions: 2 },
      { name: 'audit', partitions: 3 },
    ]);
    await expect(mock.kafka.createTopic('audit', 1)).rejects.toThrow(
      'kafka-mock: "topic audit 1" failed: topic "audit" already exists',
    );
  });

  it('sets faults and API versions', async () => {
    await mock.kafka.injectErrors('Produce', 'NOT_LEADER_FOR_PARTITION', 3);
    await mock.kafka.clearErrors('Produce');
    await mock.kafka.setApiVersions('LeaveGroup', 0, 1);
    await mock.kafka.setRtt('all', 0);
  });

  it('throws MockKafkaCommandError with the launcher reason on an error reply', async () => {
    const error = await mock.kafka.moveLeader('orders', 5, 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MockKafkaCommandError);
    expect(error).toMatchObject({
      command: 'leader orders 5 0',
      reason: 'partition must be an integer in 0..1, got "5"',
    });
  });
});
