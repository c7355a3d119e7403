import { defineConfig } from 'vitest/config';

// The OTLP test exports over a real local HTTP port. The timeouts only catch hangs.
export default defineConfig({ test: { testTimeout: 30_000, hookTimeout: 30_000 } });
