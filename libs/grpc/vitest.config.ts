import { defineConfig } from 'vitest/config';

// Tests here run real servers and sockets; a busy machine must slow them down, not fail them.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } });
