import { defineConfig } from 'vitest/config';

// Tests against the Kafka mock broker take seconds to half a minute (group joins, rebalances,
// broker outages). The timeouts only catch hangs: a busy machine must slow them down, not fail them.
export default defineConfig({ test: { testTimeout: 180_000, hookTimeout: 600_000 } });
