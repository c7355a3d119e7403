import { describe, expect, it } from 'vitest';
import { FRESH_DATABASES } from '../../test/fresh-databases.js';
import { createOrm } from '../orm.js';
import { MIGRATIONS } from './index.js';

describe.each(FRESH_DATABASES)('offerings migration on %s', (_name, fresh, skip) => {
  it.skipIf(skip)('gives the accounts of an older database the offering of their style', async () => {
    const { options, drop } = await fresh();
    const orm = await createOrm(options);
    try {
      const offerings = MIGRATIONS.findIndex((m) => m.name === 'Migration20261207000000Offerings');
      await orm.migrator.up({ to: MIGRATIONS[offerings - 1]!.name });
      const em = orm.em.fork();
      for (const [id, style] of [
        ['acct_old_goto', 'goto'],
        ['acct_old_zendesk', 'zendesk'],
      ])
        await em.execute(
          'insert into account (id, name, kind, style, legacy_plan, card_on_file, created_at, event_sequence) ' +
            "values (?, 'Old', 'self_service', ?, false, false, ?, 0)",
          [id, style, new Date()],
        );
      await orm.migrator.up();
      const rows = (await orm.em.fork().execute('select id, offering_id from account order by id', [], 'all')) as {
        id: string;
        offering_id: string;
      }[];
      expect(rows).toEqual([
        { id: 'acct_old_goto', offering_id: 'goto_business' },
        { id: 'acct_old_zendesk', offering_id: 'zendesk_suites' },
      ]);
    } finally {
      await orm.close(true);
      await drop();
    }
  });
});
