import { describe, expect, it } from 'vitest';
import { WriteBatch } from './tx-write-batch.js';

const shortage = () => new Error('no seats');

describe('WriteBatch', () => {
  it('moves the counters of one account only: a second account is a programming error, refused at once', () => {
    const batch = new WriteBatch();
    batch.reserveSeats('acct_a', 'goto_meeting', 1, shortage);
    batch.advanceSequence('acct_a', 4);
    expect(() => batch.reserveSeats('acct_b', 'goto_meeting', 1, shortage)).toThrow(
      /one account \(acct_a\), not also of acct_b/,
    );
    expect(() => batch.advanceSequence('acct_b', 1)).toThrow(/one account/);
  });

  it('is empty until something is held', () => {
    const batch = new WriteBatch();
    expect(batch.isEmpty).toBe(true);
    batch.advanceSequence('acct_a', 1);
    expect(batch.isEmpty).toBe(false);
  });
});
