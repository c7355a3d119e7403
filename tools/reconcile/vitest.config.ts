import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Test files at once: half the cores, since Nx runs two projects at a time (nx.json `parallel`);
// the servers, databases, brokers and processes these tests start then do not starve each other.
export default defineConfig({
  test: { testTimeout: 60_000, maxWorkers: Math.max(1, Math.floor(availableParallelism() / 2)) },
});
