/** Licensing's record of who is billed for Contact Center, read back within one transaction. */
import { describe, expect, it } from 'vitest';
import { seedDemoRows } from '../test/demo-rows.js';
import { FRESH_DATABASES } from '../test/fresh-databases.js';
import { openDatabase } from './database.js';

describe.each(FRESH_DATABASES)('contact-center billing record on %s', (_name, fresh, skip) => {
  it.skipIf(skip)('answers what the transaction did to it: started, stopped, started again', async () => {
    const { options, drop } = await fresh();
    const db = await openDatabase(options);
    try {
      await db.migrate();
      await seedDemoRows(db);
      const record = (since: Date) => ({
        accountId: 'acct_demo_goto',
        userId: 'usr_demo_goto_agent',
        productId: 'goto_contact_center',
        since,
        ruleIds: ['contact-center.billing-starts-with-first-queue'],
        causationId: 'req-1',
      });
      const seen = await db.transaction(async (tx) => {
        await tx.startContactCenterBilling(record(new Date('2026-12-01T10:00:00Z')));
        const started = await tx.contactCenterBilling('usr_demo_goto_agent');
        await tx.stopContactCenterBilling('usr_demo_goto_agent');
        const stopped = await tx.contactCenterBilling('usr_demo_goto_agent');
        await tx.startContactCenterBilling(record(new Date('2026-12-02T10:00:00Z')));
        const again = await tx.contactCenterBilling('usr_demo_goto_agent');
        return { started: started?.since, stopped, again: again?.since };
      });
      expect(seen).toEqual({
        started: new Date('2026-12-01T10:00:00Z'),
        stopped: null,
        again: new Date('2026-12-02T10:00:00Z'),
      });
      expect((await db.users.billableState('acct_demo_goto', 'usr_demo_goto_agent'))?.contactCenter?.since).toEqual(
        new Date('2026-12-02T10:00:00Z'),
      );
    } finally {
      await db.close();
      await drop();
    }
  });
});
