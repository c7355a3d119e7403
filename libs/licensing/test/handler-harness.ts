/** Shared set-up of the handler tests: a seeded database per driver, callers and refusals. */
import { expect } from 'vitest';
import type { Principal } from '@acme/auth';
import type { CallContext } from '@acme/grpc';
import { openDatabase, type Database } from '@acme/licensing-data-access';
import { createTestPostgres, skipWithoutPostgres, tempSqlitePath } from '@acme/testing';
import { AppError } from '@acme/util';
import { loadRuleSet } from '@acme/rules';
import { openDemoAccounts } from '../src/use-cases/open-demo-accounts.js';

/** The drivers every handler suite runs on; PostgreSQL is skipped (or fails, under CI) when absent. */
export const DRIVERS = [
  ['libsql', false],
  ['postgresql', await skipWithoutPostgres()],
] as const;

/** A migrated database without accounts, and how to throw it away. */
export async function openMigratedDatabase(
  driver: 'libsql' | 'postgresql',
  name: string,
): Promise<{ db: Database; cleanup: () => Promise<void> }> {
  let db: Database;
  let cleanup: () => Promise<void>;
  if (driver === 'postgresql') {
    const pg = await createTestPostgres(name);
    db = await openDatabase({ databaseUrl: pg.url });
    cleanup = pg.drop;
  } else {
    const file = tempSqlitePath();
    db = await openDatabase({ sqlitePath: file.path });
    cleanup = async () => file.remove();
  }
  await db.migrate();
  return { db, cleanup: async () => (await db.close(), await cleanup()) };
}

/** A migrated database with the demo accounts, and how to throw it away. */
export async function openSeededDatabase(
  driver: 'libsql' | 'postgresql',
  name: string,
): Promise<{ db: Database; cleanup: () => Promise<void> }> {
  const opened = await openMigratedDatabase(driver, name);
  await seedDemoAccounts(opened.db);
  return opened;
}

/** Opens the demo accounts as `npm start` does: through the use cases, with the repository's rules. */
export async function seedDemoAccounts(db: Database): Promise<void> {
  await openDemoAccounts(db, await loadRuleSet());
}

export const caller = (overrides: Partial<Principal> = {}): Principal => ({
  subject: 'usr_demo_goto_admin',
  kind: 'user',
  accountId: 'acct_demo_goto',
  roles: ['super_admin'],
  permissions: [],
  scopes: [],
  tokenId: null,
  ...overrides,
});

/** The back-office service that administers accounts (and reads them). */
export const backOfficeCaller = (): Principal =>
  caller({
    subject: 'svc:back-office',
    kind: 'service',
    accountId: null,
    roles: [],
    scopes: ['accounts:write', 'licenses:read'],
  });

let calls = 0;
export const callContext = (principal: Principal = caller()): CallContext<Principal> => ({
  principal,
  requestId: `req-${++calls}`,
  signal: new AbortController().signal,
  deadline: null,
  method: 'test',
});

/** Awaits a call that must be refused with an AppError and returns it. */
export async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}
