import { afterAll, beforeAll } from 'vitest';
import { createTestPostgres, skipWithoutPostgres, TEST_POSTGRES_URL, type TestDatabase } from './postgres.js';

export interface PostgresFixture {
  /** True when PostgreSQL is unreachable outside CI: guard the file's tests with `describe.skipIf(fixture.skip)`. */
  readonly skip: boolean;
  /** URL of this test file's own database; readable from the file's `beforeAll` hooks on. */
  readonly url: string;
}

/**
 * One fresh, uniquely named PostgreSQL database for the calling test file, created before its
 * tests and dropped after them. Call it at the top of the file, before other hooks
 * (`const pg = await withPostgresDatabase('seats')`): vitest runs `afterAll` hooks in reverse
 * order, so the drop comes after the file's own clean-up (closing its pools). The drop uses
 * `WITH (FORCE)`, so a forgotten connection does not leak the database either.
 *
 * Unreachable server: under `CI` this throws (the run fails loudly); elsewhere it prints why and
 * `skip` is true.
 */
export async function withPostgresDatabase(prefix = 't'): Promise<PostgresFixture> {
  const skip = await skipWithoutPostgres();
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    if (!skip) database = await createTestPostgres(prefix);
  });
  afterAll(async () => {
    await database?.drop();
  });
  return {
    skip,
    get url(): string {
      if (skip)
        throw new Error(
          `no test database: PostgreSQL at ${TEST_POSTGRES_URL} is unreachable (guard the tests with skipIf(fixture.skip))`,
        );
      if (!database)
        throw new Error('the test database exists from beforeAll on; read fixture.url inside a hook or a test');
      return database.url;
    },
  };
}
