import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { withDirLock } from './dir-lock.js';

const freshLockPath = async () => join(await mkdtemp(join(tmpdir(), 'kafka-mock-lock-')), 'lock');

describe('withDirLock', () => {
  it('runs holders one at a time', async () => {
    const lock = await freshLockPath();
    let inside = 0;
    let most = 0;
    const holder = () =>
      withDirLock(lock, async () => {
        most = Math.max(most, ++inside);
        await sleep(30);
        inside--;
      });
    await Promise.all([holder(), holder(), holder()]);
    expect(most).toBe(1);
  });

  it('breaks a lock whose owner process is gone', async () => {
    const lock = await freshLockPath();
    await mkdir(lock);
    // Pids are below 2^22 on Linux; this one cannot be running.
    await writeFile(join(lock, 'owner.json'), JSON.stringify({ pid: 2 ** 30, host: hostname(), since: 'earlier' }));
    // Broken at once; the timeout only bounds a wait that would mean it was not.
    expect(await withDirLock(lock, async () => 'ran', { timeoutMs: 30_000 })).toBe('ran');
  });

  it('waits for a live owner, says so, and gives up at the timeout', async () => {
    const lock = await freshLockPath();
    await mkdir(lock);
    await writeFile(join(lock, 'owner.json'), JSON.stringify({ pid: process.pid, host: hostname(), since: 'now' }));
    const waits: string[] = [];
    await expect(
      withDirLock(lock, async () => 'ran', { timeoutMs: 500, onWait: (owner) => waits.push(owner) }),
    ).rejects.toThrow(`timed out waiting for lock ${lock} held by pid ${process.pid}`);
    expect(waits).toEqual([`pid ${process.pid} on ${hostname()} since now`]);
  });

  it('releases the lock when the holder throws', async () => {
    const lock = await freshLockPath();
    await expect(withDirLock(lock, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    // Had the lock been kept (its owner, this process, is alive), this would time out.
    expect(await withDirLock(lock, async () => 'again', { timeoutMs: 30_000 })).toBe('again');
  });
});
