/**
 * Found by the bad-input properties (apps/dev-stack/src/bad-input): a forged page token that
 * decodes to text holding U+0000, or to an audit time past year 9999, reached the query and
 * PostgreSQL refused it, so the caller got INTERNAL. A forged token now reads as an empty page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoRows } from '../test/demo-rows.js';
import { createTestPostgres, skipWithoutPostgres } from '@acme/testing';
import { openDatabase, type Database } from './database.js';

const skip = await skipWithoutPostgres();
const ACCOUNT = 'acct_demo_goto';
const forged = (text: string) => Buffer.from(text).toString('base64url');
let db: Database;
let drop = async () => {};

beforeAll(async () => {
  if (skip) return;
  const database = await createTestPostgres('tokens');
  drop = database.drop;
  db = await openDatabase({ databaseUrl: database.url });
  await db.migrate();
  await seedDemoRows(db);
});

afterAll(async () => {
  await db?.close();
  await drop();
});

describe.skipIf(skip)('forged page tokens on PostgreSQL', () => {
  it.each(['v1:\u0000', 'v1:usr\u0000x', 'v1:\uFFFF', 'v1:'])('list no users or assignments after %j', async (text) => {
    const page = { pageSize: 10, pageToken: forged(text) };
    expect((await db.users.list(ACCOUNT, page)).users).toEqual([]);
    expect((await db.assignments.list(ACCOUNT, {}, page)).assignments).toEqual([]);
  });

  it.each(['a1:0:\u0000', 'a1:1:x\u0000y', 'a1:999999999999999:aud_x', 'a1:253402300800000:aud_x'])(
    'list no audit entries after %j',
    async (text) => {
      expect((await db.audit.list(ACCOUNT, {}, { pageSize: 10, pageToken: forged(text) })).events).toEqual([]);
    },
  );

  it('still page with the tokens the database hands out', async () => {
    const first = await db.users.list(ACCOUNT, { pageSize: 1 });
    const second = await db.users.list(ACCOUNT, { pageSize: 1, pageToken: first.nextPageToken! });
    expect(second.users[0]!.id > first.users[0]!.id).toBe(true);
  });
});
