import { describe, expect, it } from 'vitest';
import { FRESH_DATABASES } from '../../test/fresh-databases.js';
import { createOrm } from '../orm.js';
import { MIGRATIONS } from './index.js';

describe.each(FRESH_DATABASES)('contact-center-billing migration on %s', (_name, fresh, skip) => {
  it.skipIf(skip)('bills a user already in queues from their earliest membership, once', async () => {
    const { options, drop } = await fresh();
    const orm = await createOrm(options);
    try {
      const index = MIGRATIONS.findIndex((m) => m.name === 'Migration20261207060000ContactCenterBilling');
      await orm.migrator.up({ to: MIGRATIONS[index - 1]!.name });
      const em = orm.em.fork();
      const early = new Date('2026-11-02T10:00:00Z');
      const late = new Date('2026-11-20T10:00:00Z');
      await em.execute(
        'insert into account (id, name, kind, style, legacy_plan, card_on_file, created_at, event_sequence) ' +
          "values ('acct_old', 'Old', 'self_service', 'goto', false, false, ?, 0)",
        [early],
      );
      for (const user of ['usr_agent', 'usr_idle'])
        await em.execute(
          'insert into app_user (id, account_id, email, display_name, roles, permissions, created_at) values (?, ' +
            "'acct_old', ?, 'Old', '[\"member\"]', '[]', ?)",
          [user, `${user}@old.test`, early],
        );
      for (const [queue, kind] of [
        ['q_call', 'call'],
        ['q_out', 'outbound'],
      ])
        await em.execute(
          "insert into cc_queue (id, account_id, kind, name, created_at) values (?, 'acct_old', ?, ?, ?)",
          [queue, kind, queue, early],
        );
      await em.execute(
        'insert into cc_queue_member (id, account_id, queue_id, user_id, role, created_at) values ' +
          "('qm_1', 'acct_old', 'q_out', 'usr_agent', 'agent', ?), ('qm_2', 'acct_old', 'q_call', 'usr_agent', 'supervisor', ?)",
        [late, early],
      );
      await orm.migrator.up();
      const rows: Record<string, unknown>[] = await orm.em
        .fork()
        .execute('select user_id, product_id, since, rule_ids from cc_billing', [], 'all');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ user_id: 'usr_agent', product_id: 'goto_contact_center' });
      expect(new Date(rows[0]!.since as string | number).getTime()).toBe(early.getTime());
    } finally {
      await orm.close(true);
      await drop();
    }
  });
});
