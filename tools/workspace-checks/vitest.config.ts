import { defineConfig } from 'vitest/config';

// Each test runs ESLint with the workspace configuration (its first call loads the parsers and the
// project graph: seconds, over 9 s on a busy machine). The timeout only catches hangs.
export default defineConfig({ test: { testTimeout: 60_000 } });
