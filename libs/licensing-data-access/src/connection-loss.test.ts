/**
 * A licensing transaction whose PostgreSQL connection is lost, at each moment that matters, through
 * a TCP proxy that cuts the connection exactly there: during the work (run again), with the COMMIT
 * unsent (run again), with the COMMIT done but its answer lost (the result stands, asked of
 * PostgreSQL), and with the database gone right after the COMMIT (`unavailable`, outcome unknown,
 * said so); the same for a transaction whose COMMIT travels with its last statement. The change is
 * applied exactly once whenever the caller is told it was.
 */
import pg from 'pg';
import { seedDemoRows } from '../test/demo-rows.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@acme/util';
import { startTcpProxy, withPostgresDatabase, type TcpProxy } from '@acme/testing';
import { openDatabase, type Database } from './database.js';

const fixture = await withPostgresDatabase('txloss');
const GOTO = 'acct_demo_goto';
let proxy: TcpProxy;
let db: Database;
let direct: pg.Client;

beforeAll(async () => {
  if (fixture.skip) return;
  const target = new URL(fixture.url);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  db = await openDatabase({ databaseUrl: proxy.url(fixture.url), poolSize: 2 });
  await db.migrate();
  await seedDemoRows(db);
  direct = new pg.Client({ connectionString: fixture.url });
  await direct.connect();
});
afterAll(async () => {
  await direct?.end();
  await db?.close();
  await proxy?.close();
});

let n = 0;
/** Creates one user in one transaction; resolves with its email. */
function createUser(): Promise<string> {
  const email = `loss-${++n}@demo-goto.test`;
  return db.transaction(async (tx) => {
    tx.insertUser({
      accountId: GOTO,
      email,
      displayName: `Loss ${n}`,
      roles: ['member'],
      permissions: [],
      createdAt: new Date(),
    });
    return email;
  });
}

async function usersWith(email: string): Promise<number> {
  return Number(
    (await direct.query<{ n: string }>('select count(*) as n from app_user where email = $1', [email])).rows[0]!.n,
  );
}

let m = 0;
/**
 * Records one audit entry in a transaction that prefetches, as every licensing mutation does: its
 * id is known from the prefetch, so its COMMIT travels right behind its last statement. Resolves
 * with the entry's resource id.
 */
function recordAudit(): Promise<string> {
  const resourceId = `loss-audit-${++m}`;
  return db.transaction(async (tx) => {
    await tx.readFirst({ accountId: GOTO });
    tx.appendAudit([
      {
        accountId: GOTO,
        actor: 'usr_loss',
        action: 'test.loss',
        resourceType: 'test',
        resourceId,
        before: null,
        after: null,
        causationId: resourceId,
        occurredAt: new Date(),
      },
    ]);
    return resourceId;
  });
}

async function auditEntriesFor(resourceId: string): Promise<number> {
  return Number(
    (await direct.query<{ n: string }>('select count(*) as n from audit_entry where resource_id = $1', [resourceId]))
      .rows[0]!.n,
  );
}

const settled = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

describe.skipIf(fixture.skip)('a licensing transaction losing its PostgreSQL connection', () => {
  it('is run again when the connection drops during its work, and applied once', async () => {
    const cut = proxy.cutAt(/insert into "app_user"/, { forward: false });
    const email = await createUser();
    await cut;
    expect(await usersWith(email)).toBe(1);
  });

  it('is run again when the connection drops before the COMMIT reached the database, and applied once', async () => {
    const cut = proxy.cutAt(/\bcommit\b/i, { forward: false });
    const email = await createUser();
    await cut;
    expect(await usersWith(email)).toBe(1);
  });

  it('succeeds when the COMMIT went through but its answer was lost, without running it twice', async () => {
    const cut = proxy.cutAt(/\bcommit\b/i, { forward: true });
    const email = await createUser();
    await cut;
    expect(await usersWith(email)).toBe(1);
  });

  it('says the outcome is unknown when the database is gone right after the COMMIT, and means it', async () => {
    const cut = proxy.cutAt(/\bcommit\b/i, { forward: true }).then(() => proxy.setDown(true));
    const outcome = await settled(createUser());
    await cut;
    proxy.setDown(false);
    expect(outcome).toMatchObject({
      error: { type: 'unavailable', reason: 'UNAVAILABLE', metadata: { commit_outcome: 'unknown' } },
    });
    // It did commit here: "unknown" is the truth as far as the service could tell, not a denial.
    expect(await usersWith(`loss-${n}@demo-goto.test`)).toBe(1);
  });

  it('succeeds when its last statement and the COMMIT behind it went through but the answers were lost, without running it twice', async () => {
    const cut = proxy.cutAt(/\bcommit\b/i, { forward: true });
    const resourceId = await recordAudit();
    await cut;
    expect(await auditEntriesFor(resourceId)).toBe(1);
  });

  it('is run again when the connection drops before its last statement and the COMMIT behind it reached the database, and applied once', async () => {
    const cut = proxy.cutAt(/\bcommit\b/i, { forward: false });
    const resourceId = await recordAudit();
    await cut;
    expect(await auditEntriesFor(resourceId)).toBe(1);
  });

  it('answers a read on another connection when the server ended the one it got (a pool holds dead ones for a moment)', async () => {
    const cut = proxy.cutAt(/select roles, permissions from app_user/, { forward: false });
    const grants = await db.users.grants(GOTO, 'usr_demo_goto_admin');
    await cut;
    expect(grants?.roles).toContain('super_admin');
  });

  it('answers unavailable while the database cannot be reached, and works again once it can', async () => {
    proxy.setDown(true);
    const outcome = await settled(createUser());
    proxy.setDown(false);
    expect(outcome).toMatchObject({ error: { type: 'unavailable', reason: 'UNAVAILABLE' } });
    expect((outcome as { error: AppError }).error.metadata).toEqual({});
    expect(await usersWith(`loss-${n}@demo-goto.test`)).toBe(0);
    expect(await usersWith(await createUser())).toBe(1);
  });

  it('answers a mutation of an account unavailable while the database cannot be reached, and the account works again once it can', async () => {
    proxy.setDown(true);
    const outcome = await settled(recordAudit());
    proxy.setDown(false);
    expect(outcome).toMatchObject({ error: { type: 'unavailable', reason: 'UNAVAILABLE' } });
    expect(await auditEntriesFor(`loss-audit-${m}`)).toBe(0);
    expect(await auditEntriesFor(await recordAudit())).toBe(1);
  });
});
