import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestPostgres, skipWithoutPostgres } from '@acme/testing';
import type { AssignCapture } from './capture-assign.js';
import type { RecordedStatement } from './pg-protocol-recorder.js';
import { PGBENCH, runPgbench } from './pgbench.js';
import { replayScript, replayVariables, withoutLiterals } from './pgbench-replay.js';

const BASE = 1_000_000_000;
const statement = (roundTrip: number, text: string, options: Partial<RecordedStatement> = {}): RecordedStatement => ({
  connection: 1,
  roundTrip,
  text,
  protocol: 'Q',
  statementName: '',
  paramTypes: [],
  params: [],
  paramFormats: [],
  ...options,
});
const bound = (values: (string | null)[]) => ({
  protocol: 'E' as const,
  params: values.map((v) => (v === null ? null : Buffer.from(v))),
  paramFormats: values.map(() => 0),
});

/** A call as the service sends one: a lookup with the caller inlined, BEGIN with a prepared read, a write with COMMIT. */
const capture: AssignCapture = {
  call: {
    account: 'acct_b7',
    user: 'usr_b7_3',
    admin: 'usr_b7_admin',
    idempotencyKey: 'capture-ab12-3',
    sequenceBase: BASE,
  },
  rowsAdded: { item: 1 },
  warmUpCalls: 3,
  callsCaptured: 2,
  statements: [
    statement(10, "select id from app_user where id = 'usr_b7_admin' and account_id = 'acct_b7' limit 1"),
    statement(11, 'begin'),
    statement(11, 'select $1::text as account, $2::text as who', {
      statementName: 'acme_prepared_1',
      ...bound(['acct_b7', 'acct_b7:usr_b7_admin|capture-ab12-3']),
    }),
    statement(
      12,
      'insert into item (id, account_id, user_id, seq, body, note)\nvalues ($1, $2, $3, $4::int, $5::json, $6) -- commits',
      {
        ...bound([
          'asg_01m96n6432cnk2s8x2sv6mg3gc',
          'acct_b7',
          'usr_b7_3',
          String(BASE + 4),
          `{"id":"asg_01m96n6432cnk2s8x2sv6mg3gc","causation":"dddca547-8fe1-4b42-9adf-f6812a8093ae",` +
            `"sequence":${BASE + 4},"at":"2026-12-06T21:46:58.999Z","it's":true}`,
          null,
        ]),
      },
    ),
    statement(12, 'commit'),
  ],
};

describe('replayScript', () => {
  const { script, statements, roundTrips, prepared, substituted } = replayScript(capture);

  it('keeps the statements, their order and their round trips', () => {
    expect([statements, roundTrips, prepared]).toEqual([5, 3, 1]);
    const sql = script.slice(script.indexOf('\\endif'));
    expect(sql.indexOf('select id from app_user')).toBeLessThan(sql.indexOf('begin\n\\; EXECUTE "acme_prepared_1"('));
    expect(sql).toMatch(/-- commits\)?\n\\; commit\n;/);
  });

  it('prepares what the service prepared, once per connection, with its own text', () => {
    expect(script).toContain(
      '\\if :pgb_n = 1\nPREPARE "acme_prepared_1" AS select $1::text as account, $2::text as who\n;\n\\endif',
    );
  });

  it('replaces every per-call value, inside literals and parameters, by pgbench variables in string constants of their own', () => {
    const expected = [
      "account's admin (the caller)",
      'account',
      'event sequence numbers',
      'generated ids',
      'idempotency key',
      'user',
      'uuids',
    ];
    expect(substituted.sort()).toEqual(expected.sort());
    expect(script).not.toMatch(/acct_b7|usr_b7|capture-ab12|01m96n6432|dddca547|1000000004/);
    expect(script).toContain("where id = 'usr_b'\n':pgb_a'\n'_admin' and account_id = 'acct_b'\n':pgb_a' limit 1");
    expect(script).toContain("'acct_b'\n':pgb_a'\n':usr_b'\n':pgb_a'\n'_admin|pgb-'\n':pgb_gid'");
    expect(script).toContain("values ('asg_p'\n':pgb_gid'\n'0000000000000', ");
    expect(script).toContain(
      '\'","sequence":\'\n\':pgb_s4\'\n\',"at":"2026-12-06T21:46:58.999Z","it\'\'s":true}\'::json, NULL) -- commits\n\\; commit\n;',
    );
    expect(script).toContain('\\set pgb_s4 :pgb_g * 1 + 1');
  });
});

describe('values MikroORM wrote into the text', () => {
  const inlined =
    'insert into item (id, account_id, seq, note) values ' +
    `('asg_01m96n6432cnk2s8x2sv6mg3gc', 'acct_b7', ${BASE + 4}, 'it''s'), ('asg_01m96n6432cnk2s8x2sv6mg3gd', 'acct_b7', 12, NULL)`;

  it('are replayed per call in an unnamed statement, as in a simple query', () => {
    const { script, substituted } = replayScript({
      ...capture,
      statements: [statement(1, inlined, bound([]))],
    });
    expect(substituted.sort()).toEqual(['account', 'event sequence numbers', 'generated ids']);
    expect(script).toContain(
      "values ('asg_p'\n':pgb_gid'\n'0000000000000', 'acct_b'\n':pgb_a', :pgb_s4, 'it''s'), " +
        "('asg_p'\n':pgb_gid'\n'0100000000000', 'acct_b'\n':pgb_a', 12, NULL)",
    );
  });

  it('leave the shape of a statement alone: literals become ?, identifiers, parameters and comments stay', () => {
    expect(withoutLiterals(inlined)).toBe(
      'insert into item (id, account_id, seq, note) values (?, ?, ?, ?), (?, ?, ?, NULL)',
    );
    expect(withoutLiterals('select t1.a2 from "t 3" t1 where x = $1 -- 4\nlimit 5')).toBe(
      'select t1.a2 from "t 3" t1 where x = $1 -- 4\nlimit ?',
    );
  });
});

const skip = (await skipWithoutPostgres()) || !existsSync(PGBENCH);

describe.skipIf(skip)('the replay under pgbench', () => {
  it('writes, per transaction, what the call wrote, with values unique to the transaction', async () => {
    const database = await createTestPostgres('bench_replay');
    const dir = mkdtempSync(join(tmpdir(), 'bench-replay-'));
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(`create table app_user (id text primary key, account_id text);
        insert into app_user select 'usr_b' || a || '_admin', 'acct_b' || a from generate_series(0, 2) a;
        create table item (id text primary key, account_id text not null, user_id text not null, seq int not null, body json not null, note text,
          unique (account_id, seq), unique (user_id))`);
      const file = join(dir, 'replay.pgbench');
      writeFileSync(file, replayScript(capture).script);
      let base = 0;
      let transactions = 0;
      for (let run = 0; run < 2; run++) {
        const variables = replayVariables({ base, clients: 2, accounts: 3, users: 100_000 });
        const result = await runPgbench({
          databaseUrl: database.url,
          scriptFile: file,
          clients: 2,
          seconds: 1,
          logDir: dir,
          variables,
        });
        expect(result.perClient.reduce((a, b) => a + b, 0)).toBe(result.transactions);
        base += (Math.max(...result.perClient) + 2) * 2;
        transactions += result.transactions;
      }
      const { rows } = await client.query<{ n: string; accounts: string; users: string; ids: string; sample: string }>(
        `select count(*) as n, count(distinct account_id) as accounts, count(distinct user_id) as users,
           count(distinct body->>'causation') as ids, min(body::text) as sample from item`,
      );
      expect(transactions).toBeGreaterThan(0);
      expect(Number(rows[0]!.n)).toBe(transactions);
      expect(Number(rows[0]!.users)).toBe(transactions);
      expect(Number(rows[0]!.ids)).toBe(transactions);
      expect(Number(rows[0]!.accounts)).toBe(Math.min(3, transactions));
      const sample =
        /^\{"id":"asg_p1\d{11}0{13}","causation":"00000000-0000-4000-8000-1\d{11}","sequence":\d+,"at":"2026-12-06T21:46:58.999Z","it's":true\}$/;
      expect(rows[0]!.sample).toMatch(sample);
    } finally {
      await client.end();
      await database.drop();
    }
  });
});
