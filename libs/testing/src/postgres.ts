import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Server on which each test file creates (and drops) its own database. */
export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let availability: Promise<string | null> | undefined;

/** Null when PostgreSQL answers; otherwise why not. Asked once per process. */
export function postgresUnavailableReason(): Promise<string | null> {
  availability ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return null;
    } catch (error) {
      return `PostgreSQL at ${TEST_POSTGRES_URL} is unreachable: ${(error as Error).message}`;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return availability;
}

/**
 * Whether to skip PostgreSQL-backed tests: never in CI (there, an unreachable server fails the
 * run loudly), otherwise when the server is not there, with the reason printed.
 */
export async function skipWithoutPostgres(): Promise<boolean> {
  const reason = await postgresUnavailableReason();
  if (!reason) return false;
  if (process.env.CI) throw new Error(`${reason} (CI=true: PostgreSQL-backed tests must run, not skip)`);
  console.warn(`skipping PostgreSQL-backed tests: ${reason}`);
  return true;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, uniquely named database on the test server. */
export async function createTestPostgres(prefix = 't'): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`.toLowerCase();
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
