import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Server on which each test file creates (and drops) its own database. */
export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const availability = new Map<string, Promise<string | null>>();

/** Null when PostgreSQL answers; otherwise why not. Asked once per process and URL. */
export function postgresUnavailableReason(url = TEST_POSTGRES_URL): Promise<string | null> {
  if (!availability.has(url)) availability.set(url, probe(url));
  return availability.get(url)!;
}

async function probe(url: string): Promise<string | null> {
  {
    // A local server answers in milliseconds; the bound only has to tell a missing one from a busy one.
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
      await client.query('select 1');
      return null;
    } catch (error) {
      return `PostgreSQL at ${url} is unreachable: ${(error as Error).message}`;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * Whether to skip PostgreSQL-backed tests: never in CI (there, an unreachable server fails the
 * run loudly), otherwise when the server is not there, with the reason printed.
 */
export async function skipWithoutPostgres(url = TEST_POSTGRES_URL): Promise<boolean> {
  const reason = await postgresUnavailableReason(url);
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
  await onTestServer((admin) => admin.query(`create database "${name}"`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await onTestServer((admin) => admin.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

/** Runs `work` on a session of its own on the test server (TEST_DATABASE_URL's database), closed after. */
export async function onTestServer(work: (admin: pg.Client) => Promise<unknown>): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await work(admin);
  } finally {
    await admin.end();
  }
}
