import { defineConfig } from 'vitest/config';

// The metrics server listens on a real port. The timeouts only catch hangs.
export default defineConfig({ test: { testTimeout: 30_000, hookTimeout: 30_000 } });
