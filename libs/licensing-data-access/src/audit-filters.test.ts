/** Audit entries found by request (causation id) and by time range, [from, to), on both backends. */
import { describe, expect, it } from 'vitest';
import { seedDemoRows } from '../test/demo-rows.js';
import { FRESH_DATABASES } from '../test/fresh-databases.js';
import { openDatabase } from './database.js';

const ACCOUNT = 'acct_demo_goto';
const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 10, minute));
const entry = (causationId: string, minute: number, actor = 'usr_demo_goto_admin') => ({
  accountId: ACCOUNT,
  actor,
  action: 'test.changed',
  resourceType: 'test',
  resourceId: `r_${minute}`,
  before: null,
  after: null,
  causationId,
  occurredAt: at(minute),
});

describe.each(FRESH_DATABASES)('audit filters on %s', (_name, fresh, skip) => {
  it.skipIf(skip)('answer one request’s entries, and a time range including its start, excluding its end', async () => {
    const { options, drop } = await fresh();
    const db = await openDatabase(options);
    try {
      await db.migrate();
      await seedDemoRows(db);
      await db.transaction(async (tx) =>
        tx.appendAudit([entry('req-a', 1), entry('req-a', 2), entry('req-b', 3, 'svc:hr'), entry('req-c', 5)]),
      );
      const ids = async (filter: Parameters<typeof db.audit.list>[1]) =>
        (await db.audit.list(ACCOUNT, filter, { pageSize: 50 })).events.map((e) => e.resourceId);
      expect(await ids({ causationId: 'req-a' })).toEqual(['r_2', 'r_1']);
      expect(await ids({ from: at(2), to: at(5) })).toEqual(['r_3', 'r_2']);
      expect(await ids({ from: at(3), actor: 'svc:hr' })).toEqual(['r_3']);
      expect(await ids({ to: at(2), causationId: 'req-a' })).toEqual(['r_1']);
      // Paging keeps the range.
      const first = await db.audit.list(ACCOUNT, { from: at(1), to: at(6) }, { pageSize: 2 });
      const rest = await db.audit.list(
        ACCOUNT,
        { from: at(1), to: at(6) },
        { pageSize: 2, pageToken: first.nextPageToken! },
      );
      expect([...first.events, ...rest.events].map((e) => e.resourceId)).toEqual(['r_5', 'r_3', 'r_2', 'r_1']);
    } finally {
      await db.close();
      await drop();
    }
  });
});
