/**
 * `npm run migrate` as an operator runs it: both databases brought up to this version before any
 * instance starts, saying what was applied; a second run finds nothing to do.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPostgres, skipWithoutPostgres } from '@acme/testing';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const skip = await skipWithoutPostgres();
let licensing: { url: string; drop: () => Promise<void> } | undefined;
let billing: { url: string; drop: () => Promise<void> } | undefined;

beforeAll(async () => {
  if (skip) return;
  licensing = await createTestPostgres('migratecli');
  billing = await createTestPostgres('migratecliledger');
});
afterAll(async () => {
  await licensing?.drop();
  await billing?.drop();
});

const migrate = () =>
  spawnSync('npm', ['run', '-s', 'migrate'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: licensing!.url, BILLING_DATABASE_URL: billing!.url, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 120_000,
  });

describe.skipIf(skip)('npm run migrate', () => {
  it('migrates the licensing and the billing database, then finds both up to date', () => {
    const first = migrate();
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(
      /^licensing: applied Migration20261123000000Initial, .* on PostgreSQL \(DATABASE_URL\)$/m,
    );
    expect(first.stdout).toMatch(/^billing: applied .* on PostgreSQL \(BILLING_DATABASE_URL\)$/m);
    const again = migrate();
    expect(again.status).toBe(0);
    expect(again.stdout.trim().split('\n')).toEqual([
      'licensing: up to date on PostgreSQL (DATABASE_URL)',
      'billing: up to date on PostgreSQL (BILLING_DATABASE_URL)',
    ]);
  }, 240_000);
});
