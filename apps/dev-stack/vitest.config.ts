import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// End-to-end tests: each file starts the services, databases, brokers or processes it needs. The
// timeouts only catch hangs: a busy machine must slow these tests down, not fail them.
// Test files at once: half the cores, since Nx runs two projects at a time (nx.json `parallel`);
// the servers, databases, brokers and processes these tests start then do not starve each other.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 300_000,
    maxWorkers: Math.max(1, Math.floor(availableParallelism() / 2)),
    // expect.poll waits for a page to show what it should (the browser tests); its 1 s default
    // raced the machine's load, so it too only catches hangs.
    expect: { poll: { timeout: 60_000 } },
  },
});
