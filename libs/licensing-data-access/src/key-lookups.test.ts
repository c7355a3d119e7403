/**
 * A mutation's two statements on PostgreSQL (the prefetch and the write batch) find their rows by
 * key however many accounts, users and seats there are, and whatever the tables held when
 * PostgreSQL planned them: both run as cached plans, and a plan that scans a table makes every
 * write cost in proportion to the table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoRows } from '../test/demo-rows.js';
import pg from 'pg';
import { createTestPostgres, skipWithoutPostgres } from '@acme/testing';
import { openDatabase } from './database.js';
import { FLUSH_SQL } from './tx-write-batch.js';

const skip = await skipWithoutPostgres();
const ACCOUNT = 'acct_demo_goto';
const USER = 'usr_demo_goto_manager';
let client: pg.Client;
let drop = async () => {};

beforeAll(async () => {
  if (skip) return;
  const database = await createTestPostgres('key_lookups');
  drop = database.drop;
  const db = await openDatabase({ databaseUrl: database.url });
  await db.migrate();
  await seedDemoRows(db);
  await db.close();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  // Statistics of small tables, as a new deployment has when its first plans are made.
  await client.query('analyze');
});

afterAll(async () => {
  if (skip) return;
  await client.end();
  await drop();
});

/** Every table a plan reads with a sequential scan. */
function scannedTables(plan: Record<string, unknown>): string[] {
  const here = plan['Node Type'] === 'Seq Scan' ? [plan['Relation Name'] as string] : [];
  return [...here, ...((plan.Plans as Record<string, unknown>[] | undefined) ?? []).flatMap(scannedTables)];
}

describe.skipIf(skip)('key lookups of the mutation statements', () => {
  it("the write batch's cached plan updates the account and its seat counters by key among 2,000 accounts", async () => {
    await client.query(`insert into account (id, name, kind, style, legacy_plan, card_on_file, created_at, event_sequence)
      select 'acct_many_' || a, 'Many ' || a, 'self_service', 'goto', false, true, now(), 0 from generate_series(1, 2000) a`);
    await client.query(`insert into subscription (id, account_id, product_id, purchased_seats, assigned_seats, unit_price_minor, currency)
      select 'sub_many_' || a, 'acct_many_' || a, 'goto_meeting', 10, 0, 1400, 'USD' from generate_series(1, 2000) a`);
    await client.query('analyze account, subscription');
    await client.query('set plan_cache_mode = force_generic_plan');
    try {
      await client.query(`prepare flush_plan as ${FLUSH_SQL}`);
      const literal = (value: unknown) =>
        client.escapeLiteral(typeof value === 'string' ? value : JSON.stringify(value));
      const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: Record<string, unknown> }] }>(
        `explain (format json) execute flush_plan(${literal(ACCOUNT)}, 7, '[]', '[]', '[]', '[]', ` +
          `${literal([ACCOUNT])}, ${literal([{ product_id: 'goto_meeting', count: 1 }])}, 1)`,
      );
      expect(scannedTables(rows[0]!['QUERY PLAN'][0].Plan)).toEqual([]);
    } finally {
      await client.query('deallocate all');
      await client.query('reset plan_cache_mode');
    }
  });

  it("the prefetch reads the user's assignments by key after the table grew under its cached plans", async () => {
    const assignmentScans = async () =>
      Number(
        (
          await client.query<{ n: string }>(
            `select seq_scan as n from pg_stat_xact_user_tables where relname = 'assignment'`,
          )
        ).rows[0]!.n,
      );
    const prefetch = () =>
      client.query('select licensing_prefetch($1, $2, $3, $4::text[])', [
        ACCOUNT,
        USER,
        `${ACCOUNT}:none`,
        ['goto_meeting'],
      ]);
    await client.query('begin');
    try {
      // Plans are cached after a few calls, while the tables are as small as the demo's.
      for (let i = 0; i < 8; i++) await prefetch();
      await client.query(
        `insert into app_user (id, account_id, email, display_name, roles, permissions, created_at)
        select 'usr_grow_' || u, $1, 'grow' || u || '@demo-goto.test', 'Grown ' || u, '["member"]', '[]', now() from generate_series(1, 20000) u`,
        [ACCOUNT],
      );
      await client.query(
        `insert into assignment (id, account_id, user_id, product_id, features, created_at)
        select 'asg_grow_' || u, $1, 'usr_grow_' || u, 'goto_meeting', '{}', now() from generate_series(1, 20000) u`,
        [ACCOUNT],
      );
      const before = await assignmentScans();
      for (let i = 0; i < 5; i++) await prefetch();
      expect(await assignmentScans()).toBe(before);
    } finally {
      await client.query('rollback');
    }
  });
});
