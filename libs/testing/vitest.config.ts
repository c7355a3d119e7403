import { defineConfig } from 'vitest/config';

// The harness against the real PostgreSQL (databases created, closed and dropped). The timeouts only catch hangs.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 120_000 } });
