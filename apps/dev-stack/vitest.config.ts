import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// End-to-end tests: each file starts the services, databases, brokers or processes it needs. The
// timeouts only catch hangs: a busy machine must slow these tests down, not fail them.
// Test files at once: half the cores, since Nx runs two projects at a time (nx.json `parallel`);
// the servers, databases, brokers and processes these tests start then do not starve each other.
export default defineConfig({
  test: { testTimeout: 120_000, hookTimeout: 300_000, maxWorkers: Math.max(1, Math.floor(availableParallelism() / 2)) },
});
