import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateDevKeys } from '@acme/auth';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'billing-api-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The process as deployed, with only these variables; what it printed and how it ended. */
const run = (env: Record<string, string>) =>
  spawnSync(join(root, 'node_modules/.bin/tsx'), ['apps/billing-api/src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('billing-api main', () => {
  it('says it needs public keys, and exits 1', () => {
    const result = run({ BILLING_SQLITE_PATH: join(dir, 'none.db') });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('JWT_JWKS_FILE or JWT_JWKS_URL: required');
  }, 60_000);

  it('refuses a ledger that is not migrated, naming the command, and exits 1', async () => {
    const keys = await loadOrCreateDevKeys(join(dir, 'keys.json'));
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify(keys.publicJwks));
    const result = run({
      BILLING_SQLITE_PATH: join(dir, 'empty.db'),
      JWT_JWKS_FILE: join(dir, 'jwks.json'),
      BILLING_API_PORT: '0',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the ledger database is not migrated: run `npm run migrate`');
  }, 60_000);
});
