import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPostgres, skipWithoutPostgres, tempSqlitePath } from '@acme/testing';
import { openDatabase, type Database } from './database.js';
import { readCatalogFile } from './catalog-file.js';
import { DEMO_ACCOUNTS } from './seed.js';

const skipPostgres = await skipWithoutPostgres();

interface Target {
  open(): Promise<Database>;
  cleanup(): Promise<void>;
}

function libsqlTarget(): Target {
  const file = tempSqlitePath();
  return { open: () => openDatabase({ sqlitePath: file.path }), cleanup: async () => file.remove() };
}

function postgresTarget(): Target {
  let drop = async () => {};
  return {
    async open() {
      const database = await createTestPostgres('dataaccess');
      drop = database.drop;
      return openDatabase({ databaseUrl: database.url });
    },
    cleanup: () => drop(),
  };
}

describe.each([
  ['libsql', libsqlTarget, false],
  ['postgresql', postgresTarget, skipPostgres],
] as const)('licensing database on %s', (_name, makeTarget, skip) => {
  const target = makeTarget();
  let db: Database;

  beforeAll(async () => {
    if (skip) return;
    db = await target.open();
    await db.migrate();
    await db.seedDemo();
  });

  afterAll(async () => {
    if (skip) return;
    await db?.close();
    await target.cleanup();
  });

  it.skipIf(skip)('migrations produce exactly the schema the entities describe', async () => {
    expect((await db.pendingSchemaChanges()).trim()).toBe('');
  });

  it.skipIf(skip)('migrating and seeding again changes nothing', async () => {
    const before = { products: await db.catalog.listProducts(), usage: await db.accounts.seatUsage('acct_demo_goto') };
    await db.migrate();
    await db.seedDemo();
    expect(await db.catalog.listProducts()).toEqual(before.products);
    expect(await db.accounts.seatUsage('acct_demo_goto')).toEqual(before.usage);
  });

  it.skipIf(skip)('lists the catalog file, with suites', async () => {
    const catalog = readCatalogFile();
    const products = await db.catalog.listProducts();
    expect(products.map((p) => p.id)).toEqual(catalog.products.map((p) => p.id).sort());
    const support = (await db.catalog.listSuites()).find((s) => s.id === 'zendesk_support_suite');
    expect(support?.productIds).toEqual(['zendesk_chat', 'zendesk_explore', 'zendesk_guide', 'zendesk_support', 'zendesk_talk']);
    expect(products.find((p) => p.id === 'goto_connect_standard')).toMatchObject({ vendor: 'goto', suiteId: null, currency: 'USD', billingPeriod: 'month' });
  });

  it.skipIf(skip)('reports seat usage that matches the demo assignments', async () => {
    for (const demo of DEMO_ACCOUNTS) {
      const usage = await db.accounts.seatUsage(demo.id);
      for (const [productId, purchased] of Object.entries(demo.seats)) {
        const assigned = demo.users.filter((u) => u.products.includes(productId)).length;
        expect(usage.find((u) => u.productId === productId)).toEqual({ productId, purchased, assigned, available: purchased - assigned, pendingFromSales: 0 });
      }
    }
  });

  it.skipIf(skip)('keeps suite products at the same seat count in the Zendesk demo', async () => {
    const counts = new Set((await db.accounts.seatUsage('acct_demo_zendesk')).map((u) => u.purchased));
    expect(counts.size).toBe(1);
  });

  it.skipIf(skip)('reads an account and answers null for an unknown one', async () => {
    expect(await db.accounts.get('acct_demo_zendesk')).toMatchObject({ style: 'zendesk', ownerUserId: 'usr_demo_zendesk_owner', kind: 'self_service' });
    expect(await db.accounts.get('acct_missing')).toBeNull();
  });

  it.skipIf(skip)('pages through users, each exactly once, only from the asked account', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await db.users.list('acct_demo_zendesk', { pageSize: 3, ...(token ? { pageToken: token } : {}) });
      expect(page.users.length).toBeLessThanOrEqual(3);
      seen.push(...page.users.map((u) => u.id));
      token = page.nextPageToken ?? undefined;
    } while (token);
    expect(seen).toEqual(DEMO_ACCOUNTS.find((a) => a.id === 'acct_demo_zendesk')!.users.map((u) => u.id).sort());
    expect(new Set(seen).size).toBe(seen.length);
  });
});
