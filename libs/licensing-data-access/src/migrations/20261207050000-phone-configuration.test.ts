import { describe, expect, it } from 'vitest';
import { FRESH_DATABASES } from '../../test/fresh-databases.js';
import { createOrm } from '../orm.js';
import { MIGRATIONS } from './index.js';

describe.each(FRESH_DATABASES)('phone-configuration migration on %s', (_name, fresh, skip) => {
  it.skipIf(skip)(
    'moves the toggles an older configuration held to features and gives it the phone defaults',
    async () => {
      const { options, drop } = await fresh();
      const orm = await createOrm(options);
      try {
        const index = MIGRATIONS.findIndex((m) => m.name === 'Migration20261207050000PhoneConfiguration');
        await orm.migrator.up({ to: MIGRATIONS[index - 1]!.name });
        const em = orm.em.fork();
        await em.execute(
          'insert into account (id, name, kind, style, legacy_plan, card_on_file, created_at, event_sequence) ' +
            "values ('acct_old', 'Old', 'self_service', 'goto', false, false, ?, 0)",
          [new Date()],
        );
        await em.execute(
          "insert into app_user (id, account_id, email, display_name, roles, permissions, created_at) values ('usr_old', " +
            "'acct_old', 'old@old.test', 'Old', '[\"member\"]', '[]', ?)",
          [new Date()],
        );
        await em.execute(
          'insert into phone_configuration (id, account_id, user_id, product_id, settings, retained_until) values ' +
            "('pc_old', 'acct_old', 'usr_old', 'goto_connect_standard', '{\"mobile_app\":false}', null)",
        );
        await orm.migrator.up();
        const rows: Record<string, unknown>[] = await orm.em
          .fork()
          .execute('select extension, settings, features from phone_configuration', [], 'all');
        const row = rows[0]!;
        const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
        expect(row.extension).toBeNull();
        expect(json(row.features)).toEqual({ mobile_app: false });
        expect(json(row.settings)).toMatchObject({ callerIdNumber: '', voicemail: { enabled: true } });
      } finally {
        await orm.close(true);
        await drop();
      }
    },
  );
});
