import { defineConfig } from 'vitest/config';

// Process-level tests: a consumer is started, killed and restarted against the mock broker.
export default defineConfig({ test: { testTimeout: 180_000, hookTimeout: 600_000 } });
