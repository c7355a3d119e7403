import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { buildMockBroker, BUILD_DIR, ensureMockBroker } from './build.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('ensureMockBroker', () => {
  it('builds (or finds) an executable launcher inside the gitignored build directory', async () => {
    const binary = await ensureMockBroker();
    expect(binary.startsWith(`${BUILD_DIR}/kafka-mock-launcher-`)).toBe(true);
    expect(() => accessSync(binary, constants.X_OK)).not.toThrow();
  });

  it('does nothing the second time: same file, untouched, no build step run', async () => {
    const binary = await ensureMockBroker();
    const before = statSync(binary).mtimeMs;
    // Any build step truncates or appends to the log, and says what it does on stderr.
    const logBefore = statSync(join(BUILD_DIR, 'build.log'), { throwIfNoEntry: false })?.mtimeMs;
    const progress = vi.spyOn(process.stderr, 'write');
    try {
      expect(await buildMockBroker()).toBe(binary); // not memoised: checks the cache on disk
      expect(progress).not.toHaveBeenCalled();
    } finally {
      progress.mockRestore();
    }
    expect(statSync(binary).mtimeMs).toBe(before);
    expect(statSync(join(BUILD_DIR, 'build.log'), { throwIfNoEntry: false })?.mtimeMs).toBe(logBefore);
  });

  it('has a CLI that prints the path, and concurrent runs agree on it', async () => {
    const binary = await ensureMockBroker();
    const run = () =>
      promisify(execFile)(`${root}node_modules/.bin/tsx`, ['tools/kafka-mock/src/build.ts'], { cwd: root });
    const results = await Promise.all([run(), run(), run()]);
    for (const { stdout, stderr } of results) {
      expect(stdout.trim()).toBe(binary);
      expect(stderr).toBe(''); // progress goes to stderr, and there was nothing to do
    }
  });
});
