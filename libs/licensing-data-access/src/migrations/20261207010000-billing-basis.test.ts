import { describe, expect, it } from 'vitest';
import { FRESH_DATABASES } from '../../test/fresh-databases.js';
import { createOrm } from '../orm.js';
import { MIGRATIONS } from './index.js';

describe.each(FRESH_DATABASES)('billing-basis migration on %s', (_name, fresh, skip) => {
  it.skipIf(skip)("gives an older database's products the basis billing inferred for them", async () => {
    const { options, drop } = await fresh();
    const orm = await createOrm(options);
    try {
      const basis = MIGRATIONS.findIndex((m) => m.name === 'Migration20261207010000BillingBasis');
      await orm.migrator.up({ to: MIGRATIONS[basis - 1]!.name });
      const em = orm.em.fork();
      for (const id of ['goto_contact_center', 'goto_meeting'])
        await em.execute(
          'insert into product (id, name, vendor, features, unit_price_minor, currency, billing_period) ' +
            "values (?, 'Old', 'goto', '[]', 1000, 'USD', 'month')",
          [id],
        );
      // A row that references a product: rebuilding the table (SQLite) must keep it and its key.
      await em.execute(
        'insert into account (id, name, kind, style, legacy_plan, card_on_file, created_at, event_sequence) ' +
          "values ('acct_old', 'Old', 'self_service', 'goto', false, false, ?, 0)",
        [new Date()],
      );
      await em.execute(
        'insert into subscription (id, account_id, product_id, purchased_seats, assigned_seats, unit_price_minor, ' +
          "currency) values ('sub_old', 'acct_old', 'goto_contact_center', 5, 0, 7000, 'USD')",
      );
      await orm.migrator.up();
      const kept = await orm.em.fork().execute('select product_id, purchased_seats from subscription', [], 'all');
      expect(kept).toEqual([{ product_id: 'goto_contact_center', purchased_seats: 5 }]);
      const rows = await orm.em.fork().execute('select id, billing_basis from product order by id', [], 'all');
      expect(rows).toEqual([
        { id: 'goto_contact_center', billing_basis: 'contact_center_member' },
        { id: 'goto_meeting', billing_basis: 'purchased_seats' },
      ]);
    } finally {
      await orm.close(true);
      await drop();
    }
  });
});
