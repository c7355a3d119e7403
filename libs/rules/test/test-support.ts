import { setTimeout as sleep } from 'node:timers/promises';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICIES_DIR } from '../src/loading/load.js';

/** A throw-away copy of the shipped policies for tests that break them on purpose. */
export function copyPolicies(): {
  dir: string;
  edit(file: string, change: (json: Record<string, unknown>) => unknown): void;
  remove(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'policies-'));
  cpSync(DEFAULT_POLICIES_DIR, dir, { recursive: true });
  return {
    dir,
    edit(file, change) {
      const path = join(dir, file);
      const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      writeFileSync(path, JSON.stringify(change(json) ?? json, null, 2));
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Polls until `get` returns a value (the watcher reacts asynchronously to file events). The
 * timeout is generous on purpose: it bounds a hang, it does not measure how fast a reload is.
 */
export async function until<T>(get: () => T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting for the watcher');
    await sleep(20);
  }
}
