import { defineConfig } from 'vitest/config';

// Tests against the Kafka mock broker take seconds (group joins and rebalances).
export default defineConfig({ test: { testTimeout: 90_000, hookTimeout: 600_000 } });
