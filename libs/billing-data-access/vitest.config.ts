import { defineConfig } from 'vitest/config';

// Against PostgreSQL (a database per file). The timeouts only catch hangs.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 120_000 } });
