import { describe, expect, it } from 'vitest';
import { AccountWatchers } from './account-watchers.js';

const never = new AbortController().signal;
/** Whether `wait` resolved before a long safety poll: i.e. it was woken. */
const woken = async (promise: Promise<void>) =>
  Promise.race([promise.then(() => true), new Promise<boolean>((r) => setImmediate(() => r(false)))]);

describe('AccountWatchers', () => {
  it("wakes the account's watchers only, also when the change came between reading and waiting", async () => {
    const hub = new AccountWatchers();
    const a = hub.watch('acct_a');
    const b = hub.watch('acct_b');
    a.reset();
    b.reset();
    hub.changed('acct_a'); // before anyone waits: not lost
    expect(await woken(a.wait(60_000, never))).toBe(true);
    expect(await woken(b.wait(60_000, never))).toBe(false);
    a.reset();
    const waiting = a.wait(60_000, never);
    hub.changedAll();
    expect(await woken(waiting)).toBe(true);
    a.stop();
    b.stop();
    expect(hub.size).toBe(0);
  });

  it('ends every watcher on close, and any watcher that comes after', async () => {
    const hub = new AccountWatchers();
    const before = hub.watch('acct_a');
    before.reset();
    const waiting = before.wait(60_000, never);
    hub.close();
    expect(await woken(waiting)).toBe(true);
    expect(before.closed).toBe(true);
    expect(hub.watch('acct_a').closed).toBe(true);
  });

  it('an aborted call stops waiting', async () => {
    const hub = new AccountWatchers();
    const watcher = hub.watch('acct_a');
    watcher.reset();
    const controller = new AbortController();
    const waiting = watcher.wait(60_000, controller.signal);
    controller.abort();
    expect(await woken(waiting)).toBe(true);
  });
});
