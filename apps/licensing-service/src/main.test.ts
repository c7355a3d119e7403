/** The production entry point refuses to start on bad configuration, saying exactly what is wrong. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const run = (env: Record<string, string>) =>
  spawnSync(join(root, 'node_modules/.bin/tsx'), ['apps/licensing-service/src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('licensing-service main', () => {
  it('lists every bad variable and exits 1', () => {
    const result = run({ GRPC_PORT: 'eighty', DATABASE_URL: 'mysql://db' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('GRPC_PORT: expected a port number, got "eighty"');
    expect(result.stderr).toContain('DATABASE_URL: expected a postgres:// or postgresql:// URL, got "mysql://db"');
  });

  it('requires public keys to verify tokens', () => {
    const result = run({});
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('JWT_JWKS_FILE or JWT_JWKS_URL: required');
  });

  it('refuses a key file holding a private key', () => {
    const result = run({ JWT_JWKS_FILE: join(root, 'libs/licensing/src/testdata/private-jwks.json') });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('contains a private key');
  });
});
