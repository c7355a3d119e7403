/**
 * Our murmur2 against kafkajs' own (the Java client's algorithm): the same partition for every key,
 * and linear time, where kafkajs' took quadratic time on long keys.
 */
import fc from 'fast-check';
import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { partitionOfKey } from './partitioning.js';

const kafkajs = Partitioners.DefaultPartitioner();
const kafkajsPartition = (key: string, partitions: number) =>
  kafkajs({ topic: 't', partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] })), message: { key, value: null } });

describe('partitionOfKey', () => {
  it('picks the partition kafkajs (and Java) pick, for any key and partition count', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 50 }), fc.constantFrom('', 'acct_demo_goto', 'a', 'ab', 'abc', 'abcd')), fc.integer({ min: 1, max: 64 }), (key, partitions) => {
        expect(partitionOfKey('t', key, partitions)).toBe(kafkajsPartition(key, partitions));
      }),
      { numRuns: 2_000 },
    );
  });

  it('hashes a 1 MB key in linear time', () => {
    const started = performance.now();
    partitionOfKey('t', 'x'.repeat(1_000_000), 6);
    expect(performance.now() - started).toBeLessThan(200);
  });
});
