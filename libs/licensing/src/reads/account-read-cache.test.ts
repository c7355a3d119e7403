import { describe, expect, it } from 'vitest';
import { AccountReadCache } from './account-read-cache.js';

/** A load that resolves when told to, counting how often it ran. */
function controlledLoad<T>(value: T) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const load = { calls: 0, run: async () => (load.calls++, await gate, value), release };
  return load;
}

describe('AccountReadCache', () => {
  it('answers again from memory until the account changes', async () => {
    const cache = new AccountReadCache(() => true);
    let loads = 0;
    const read = () => cache.get('acct_1', 'usage', async () => ++loads);
    expect(await read()).toBe(1);
    expect(await read()).toBe(1);
    cache.invalidate('acct_2');
    expect(await read()).toBe(1);
    cache.invalidate('acct_1');
    expect(await read()).toBe(2);
  });

  it("keys answers by account: one account never gets another's", async () => {
    const cache = new AccountReadCache(() => true);
    await cache.get('acct_1', 'usage', async () => 'one');
    expect(await cache.get('acct_2', 'usage', async () => 'two')).toBe('two');
  });

  it('does not keep an answer whose account changed while it was being loaded', async () => {
    const cache = new AccountReadCache(() => true);
    const slow = controlledLoad('before the change');
    const reading = cache.get('acct_1', 'usage', slow.run);
    cache.invalidate('acct_1');
    slow.release();
    expect(await reading).toBe('before the change');
    expect(await cache.get('acct_1', 'usage', async () => 'after the change')).toBe('after the change');
  });

  it('keeps nothing loaded across a reset, and stands aside while disabled', async () => {
    let enabled = true;
    const cache = new AccountReadCache(() => enabled);
    const slow = controlledLoad('stale');
    const reading = cache.get('acct_1', 'usage', slow.run);
    cache.reset();
    slow.release();
    await reading;
    expect(cache.size).toBe(0);
    enabled = false;
    let loads = 0;
    await cache.get('acct_1', 'usage', async () => ++loads);
    await cache.get('acct_1', 'usage', async () => ++loads);
    expect(loads).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('forgets the least recently used answer when full', async () => {
    const cache = new AccountReadCache(() => true, 2);
    await cache.get('acct_1', 'a', async () => 'a');
    await cache.get('acct_1', 'b', async () => 'b');
    await cache.get('acct_1', 'a', async () => 'not loaded again');
    await cache.get('acct_2', 'c', async () => 'c');
    expect(cache.size).toBe(2);
    expect(await cache.get('acct_1', 'b', async () => 'reloaded')).toBe('reloaded');
  });

  it('still refuses loads that began before a change after it forgot old change stamps', async () => {
    const cache = new AccountReadCache(() => true, 1);
    const slow = controlledLoad('stale');
    const reading = cache.get('acct_1', 'usage', slow.run);
    cache.invalidate('acct_1');
    cache.invalidate('acct_2'); // more stamps than maxEntries: the stamps are forgotten, the floor rises
    slow.release();
    await reading;
    expect(cache.size).toBe(0);
  });

  it('bounds the total weight of what it keeps, dropping the least recently used first', async () => {
    const cache = new AccountReadCache(() => true, 100, 100);
    const weigh = (value: string) => value.length;
    await cache.get('acct_1', 'a', async () => 'a'.repeat(40), weigh);
    await cache.get('acct_1', 'b', async () => 'b'.repeat(40), weigh);
    await cache.get('acct_1', 'a', async () => 'not loaded again', weigh);
    await cache.get('acct_2', 'c', async () => 'c'.repeat(40), weigh);
    expect(cache.totalWeight).toBe(80);
    expect(await cache.get('acct_1', 'b', async () => 'reloaded', weigh)).toBe('reloaded');
    // Too heavy for the whole budget: served, not kept, and nothing else is evicted for it.
    const before = cache.size;
    expect(await cache.get('acct_3', 'huge', async () => 'h'.repeat(101), weigh)).toHaveLength(101);
    expect(cache.size).toBe(before);
    expect(await cache.get('acct_3', 'huge', async () => 'loaded again', weigh)).toBe('loaded again');
    // Invalidation and reset give the weight back.
    cache.invalidate('acct_1');
    cache.invalidate('acct_2');
    cache.invalidate('acct_3');
    expect(cache.totalWeight).toBe(0);
    await cache.get('acct_1', 'a', async () => 'a'.repeat(40), weigh);
    cache.reset();
    expect(cache.totalWeight).toBe(0);
  });
});
