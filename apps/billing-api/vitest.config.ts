import { defineConfig } from 'vitest/config';

// The billing API over a real socket, on a ledger file and on PostgreSQL. The timeouts only catch hangs.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 120_000 } });
