import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('billing-consumer main', () => {
  it('says what it needs when KAFKA_BROKERS is missing, and exits 1', () => {
    const result = spawnSync(join(root, 'node_modules/.bin/tsx'), ['apps/billing-consumer/src/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('KAFKA_BROKERS: required');
    expect(result.stderr).toContain('npm start');
  }, 60_000);
});
