import { defineConfig } from 'vitest/config';

// End-to-end tests: each file starts the services, databases, brokers or processes it needs. The
// timeouts only catch hangs: a busy machine must slow these tests down, not fail them.
export default defineConfig({ test: { testTimeout: 120_000, hookTimeout: 300_000 } });
