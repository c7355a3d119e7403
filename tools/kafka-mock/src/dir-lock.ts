import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface DirLockOptions {
  /** Give up after this long (default 15 minutes: a cold librdkafka build takes about one). */
  timeoutMs?: number;
  /** Called once when the lock is held by someone else, before waiting. */
  onWait?: (owner: string) => void;
}

interface Owner {
  pid: number;
  host: string;
  since: string;
}

const POLL_MS = 200;
/** A lock without a readable owner file this old was left by a process killed right after mkdir. */
const ORPHAN_MS = 10_000;
/** A lock taken on another host cannot be checked by pid; trust it for this long. */
const FOREIGN_HOST_MS = 30 * 60_000;

/**
 * Runs `fn` while holding a cross-process lock: a directory created with mkdir, which is atomic
 * on every filesystem, holding an owner file. Vitest workers and parallel Nx projects share one
 * build directory and use this to build it once. A lock whose owner died (a killed build) is
 * broken. Two waiters breaking the same lock at once could both proceed, so what `fn` produces
 * must itself be safe to produce twice (the build renames finished results into place).
 */
export async function withDirLock<T>(lockDir: string, fn: () => Promise<T>, options: DirLockOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15 * 60_000);
  let reported = false;
  for (;;) {
    if (await tryAcquire(lockDir)) break;
    const owner = await readOwner(lockDir);
    if (await isStale(lockDir, owner)) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for lock ${lockDir} held by ${describe(owner)}; remove the directory if no build is running`,
      );
    }
    if (!reported) {
      options.onWait?.(describe(owner));
      reported = true;
    }
    await sleep(POLL_MS);
  }
  try {
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function tryAcquire(lockDir: string): Promise<boolean> {
  try {
    await mkdir(lockDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  const owner: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  await writeFile(join(lockDir, 'owner.json'), JSON.stringify(owner));
  return true;
}

async function readOwner(lockDir: string): Promise<Owner | undefined> {
  try {
    return JSON.parse(await readFile(join(lockDir, 'owner.json'), 'utf8')) as Owner;
  } catch {
    return undefined; // not written yet, or the lock was just released
  }
}

async function isStale(lockDir: string, owner: Owner | undefined): Promise<boolean> {
  if (owner && owner.host === hostname()) return !isAlive(owner.pid);
  const age = await ageMs(lockDir);
  if (age === undefined) return false; // released meanwhile: the next mkdir will tell
  return age > (owner ? FOREIGN_HOST_MS : ORPHAN_MS);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}

async function ageMs(path: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

function describe(owner: Owner | undefined): string {
  return owner ? `pid ${owner.pid} on ${owner.host} since ${owner.since}` : 'an unknown process';
}
