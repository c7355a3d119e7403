import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestPostgres, skipWithoutPostgres } from './postgres.js';

const UNREACHABLE = 'postgres://postgres@127.0.0.1:1/test';
const skipPostgres = await skipWithoutPostgres();

afterEach(() => vi.unstubAllEnvs());

describe('PostgreSQL test harness', () => {
  it('fails loudly under CI when the server is unreachable', async () => {
    vi.stubEnv('CI', 'true');
    await expect(skipWithoutPostgres(UNREACHABLE)).rejects.toThrow(
      /unreachable.*CI=true: PostgreSQL-backed tests must run/,
    );
  });

  it('skips, with the reason, outside CI', async () => {
    vi.stubEnv('CI', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await skipWithoutPostgres(UNREACHABLE)).toBe(true);
    expect(warn.mock.calls[0]?.[0]).toMatch(
      /skipping PostgreSQL-backed tests: PostgreSQL at postgres:\/\/postgres@127.0.0.1:1\/test is unreachable/,
    );
  });

  it.skipIf(skipPostgres)('creates a database of its own and drops it', async () => {
    const database = await createTestPostgres('harness');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ name: string }>('select current_database() as name');
    await client.end();
    expect(rows[0]?.name).toMatch(/^harness_/);
    await database.drop();
    const again = new pg.Client({ connectionString: database.url });
    await expect(again.connect()).rejects.toThrow(/does not exist/);
  });
});
