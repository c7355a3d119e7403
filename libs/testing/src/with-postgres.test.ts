import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_POSTGRES_URL } from './postgres.js';
import { withPostgresDatabase } from './with-postgres.js';

const fixture = await withPostgresDatabase('fixture');
let name = '';

// Registered after the fixture, so it runs before the fixture's drop (afterAll hooks run in reverse).
afterAll(async () => {
  if (fixture.skip || !name) return;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query('select 1 from pg_database where datname = $1', [name]);
    expect(rows).toHaveLength(1);
  } finally {
    await admin.end();
  }
});

describe.skipIf(fixture.skip)('withPostgresDatabase', () => {
  it('gives the test file a database of its own', async () => {
    const client = new pg.Client({ connectionString: fixture.url });
    await client.connect();
    const { rows } = await client.query<{ name: string }>('select current_database() as name');
    await client.end();
    name = rows[0]!.name;
    expect(name).toMatch(/^fixture_[0-9a-z]+_[0-9a-f]{8}$/);
  });
});
