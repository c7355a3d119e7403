/** Users found by part of their email or display name, in any case, paged, on both backends. */
import { describe, expect, it } from 'vitest';
import { FRESH_DATABASES } from '../test/fresh-databases.js';
import { openDatabase } from './database.js';

const ACCOUNT = 'acct_search';
const PEOPLE = [
  ['usr_1', 'ana.lopez@example.com', 'Ana López'],
  ['usr_2', 'bo_agent@example.com', 'Bo Agent'],
  ['usr_3', 'boagent@example.com', 'Bob Oagent'],
  ['usr_4', 'cy@example.com', 'Cy 100% Boss'],
  ['usr_5', 'dee@other.example', 'Dee ANA'],
] as const;

describe.each(FRESH_DATABASES)('user search on %s', (_name, fresh, skip) => {
  it.skipIf(skip)('matches email or name, ignores case, takes % and _ literally, and pages', async () => {
    const { options, drop } = await fresh();
    const db = await openDatabase(options);
    try {
      await db.migrate();
      await db.transaction(async (tx) => {
        await tx.insertAccount({
          id: ACCOUNT,
          name: 'Search',
          kind: 'self_service',
          style: 'goto',
          legacyPlan: false,
          cardOnFile: false,
          ownerUserId: 'usr_1',
          offeringId: 'goto_business',
          currency: 'USD',
          billingProfileId: null,
          createdAt: new Date('2026-12-01T00:00:00Z'),
          suspended: false,
        });
        for (const [id, email, displayName] of PEOPLE) {
          tx.insertUser({
            id,
            accountId: ACCOUNT,
            email,
            displayName,
            roles: ['member'],
            permissions: [],
            createdAt: new Date(),
          });
        }
      });
      const found = async (query: string, pageSize = 50) =>
        (await db.users.list(ACCOUNT, { pageSize }, { query })).users.map((u) => u.id);
      expect(await found('ANA')).toEqual(['usr_1', 'usr_5']);
      expect(await found('lópez')).toEqual(['usr_1']);
      // "_" and "%" are the query's own characters, not wildcards.
      expect(await found('bo_')).toEqual(['usr_2']);
      expect(await found('100%')).toEqual(['usr_4']);
      expect(await found('1%0')).toEqual([]);
      expect(await found('example.com')).toEqual(['usr_1', 'usr_2', 'usr_3', 'usr_4']);
      expect(await found('')).toEqual(PEOPLE.map(([id]) => id));
      // Pages keep the query.
      const first = await db.users.list(ACCOUNT, { pageSize: 2 }, { query: 'example.com' });
      const rest = await db.users.list(
        ACCOUNT,
        { pageSize: 2, pageToken: first.nextPageToken! },
        { query: 'example.com' },
      );
      expect([...first.users, ...rest.users].map((u) => u.id)).toEqual(['usr_1', 'usr_2', 'usr_3', 'usr_4']);
      expect(rest.nextPageToken).toBeNull();
    } finally {
      await db.close();
      await drop();
    }
  });
});
