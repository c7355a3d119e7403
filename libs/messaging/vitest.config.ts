import { defineConfig } from 'vitest/config';

// Tests against the Kafka mock broker take seconds (group joins, broker outages).
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 600_000 } });
