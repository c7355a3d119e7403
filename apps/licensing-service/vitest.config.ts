import { defineConfig } from 'vitest/config';

// The service started as a process (sources and the built bundle). The timeouts only catch hangs:
// a busy machine must slow these tests down, not fail them.
export default defineConfig({ test: { testTimeout: 120_000, hookTimeout: 180_000 } });
