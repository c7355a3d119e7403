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
  kafkajs({
    topic: 't',
    partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    })),
    message: { key, value: null },
  });

describe('partitionOfKey', () => {
  it('picks the partition kafkajs (and Java) pick, for any key and partition count', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ unit: 'grapheme', maxLength: 50 }),
          fc.constantFrom('', 'acct_demo_goto', 'a', 'ab', 'abc', 'abcd'),
        ),
        fc.integer({ min: 1, max: 64 }),
        (key, partitions) => {
          expect(partitionOfKey('t', key, partitions)).toBe(kafkajsPartition(key, partitions));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  // No clock in the test: a linear hash of 1 MB takes milliseconds, kafkajs' quadratic one took
  // 63 s for 600 KB (minutes for 1 MB), so the test's timeout, far above the former and far
  // below the latter, is what fails a quadratic implementation.
  it('hashes a 1 MB key in linear time', { timeout: 20_000 }, () => {
    const key = 'x'.repeat(1_000_000);
    expect(partitionOfKey('t', key, 6)).toBe(partitionOfKey('t', key, 6));
    expect(partitionOfKey('t', key, 6)).toBeGreaterThanOrEqual(0);
    expect(partitionOfKey('t', key, 6)).toBeLessThan(6);
  });
});
