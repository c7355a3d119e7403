import Database from 'libsql';
import pg from 'pg';

export interface SeedPlan {
  /** Accounts `acct_b<n>`, each with one GoTo Meeting subscription `sub_b<n>`. */
  accounts: number;
  /** Users `usr_b<n>_<i>` per account, none holding a seat (besides each account's super admin `usr_b<n>_admin`). */
  usersPerAccount: number;
  /** Purchased seats per subscription (large enough that no benchmark runs out). */
  seats: number;
}

/**
 * Bench accounts in a migrated licensing database, written with set-based SQL (seeding 100k users
 * through the service would measure the seeding): self-service GoTo-style accounts with a card on
 * file, one subscription each, users without seats, and a super admin `usr_b<n>_admin` whose
 * tokens the load generators send (the service takes a caller's roles from their user record).
 */
export async function seedBenchAccounts(databaseUrl: string, plan: SeedPlan): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(
      `insert into account (id, name, kind, style, legacy_plan, card_on_file, owner_user_id, created_at, event_sequence)
       select 'acct_b' || a, 'Bench ' || a, 'self_service', 'goto', false, true, null, now(), 0 from generate_series(0, $1::int - 1) a`,
      [plan.accounts],
    );
    await client.query(
      `insert into subscription (id, account_id, product_id, purchased_seats, assigned_seats, unit_price_minor, currency)
       select 'sub_b' || a, 'acct_b' || a, 'goto_meeting', $2::int, 0, 1400, 'USD' from generate_series(0, $1::int - 1) a`,
      [plan.accounts, plan.seats],
    );
    await client.query(
      `insert into app_user (id, account_id, email, display_name, roles, permissions, created_at)
       select 'usr_b' || a || '_' || u, 'acct_b' || a, 'u' || u || '@b' || a || '.test', 'Bench user ' || u, '["member"]'::jsonb, '[]'::jsonb, now()
       from generate_series(0, $1::int - 1) a, generate_series(0, $2::int - 1) u`,
      [plan.accounts, plan.usersPerAccount],
    );
    await client.query(
      `insert into app_user (id, account_id, email, display_name, roles, permissions, created_at)
       select 'usr_b' || a || '_admin', 'acct_b' || a, 'admin@b' || a || '.test', 'Bench super admin', '["super_admin"]'::jsonb, '[]'::jsonb, now()
       from generate_series(0, $1::int - 1) a`,
      [plan.accounts],
    );
    await client.query('commit');
    await client.query('analyze');
  } finally {
    await client.end();
  }
}

/** Both dialects: subscriptions over-allocated, and counters that differ from their rows. */
const SEAT_DISCREPANCIES_SQL =
  `select count(*) filter (where s.assigned_seats > s.purchased_seats) as over,
    count(*) filter (where s.assigned_seats <> (select count(*) from assignment x where ` +
  `x.account_id = s.account_id and x.product_id = s.product_id)) as mismatch
  from subscription s`;

/** Seat counters against the rows they count: no over-allocation means every check is 0. */
export async function seatDiscrepancies(
  databaseUrl: string,
): Promise<{ overAllocated: number; counterMismatch: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ over: string; mismatch: string }>(SEAT_DISCREPANCIES_SQL);
    return { overAllocated: Number(rows[0]!.over), counterMismatch: Number(rows[0]!.mismatch) };
  } finally {
    await client.end();
  }
}

/** The same bench accounts in a migrated libsql file (the embedded mode), with SQLite's SQL. */
export function seedBenchAccountsLibsql(path: string, plan: SeedPlan): void {
  const db = new Database(path);
  try {
    const now = Date.now();
    db.exec('begin');
    db.prepare(
      `with recursive a(n) as (select 0 union all select n + 1 from a where n + 1 < ?)
       insert into account (id, name, kind, style, legacy_plan, card_on_file, owner_user_id, created_at, event_sequence)
       select 'acct_b' || n, 'Bench ' || n, 'self_service', 'goto', 0, 1, null, ?, 0 from a`,
    ).run(plan.accounts, now);
    db.prepare(
      `with recursive a(n) as (select 0 union all select n + 1 from a where n + 1 < ?)
       insert into subscription (id, account_id, product_id, purchased_seats, assigned_seats, unit_price_minor, currency)
       select 'sub_b' || n, 'acct_b' || n, 'goto_meeting', ?, 0, 1400, 'USD' from a`,
    ).run(plan.accounts, plan.seats);
    db.prepare(
      `with recursive a(n) as (select 0 union all select n + 1 from a where n + 1 < ?), u(n) as (select 0 union all select n + 1 from u where n + 1 < ?)
       insert into app_user (id, account_id, email, display_name, roles, permissions, created_at)
       select 'usr_b' || a.n || '_' || u.n, 'acct_b' || a.n, 'u' || u.n || '@b' || a.n || '.test', 'Bench user ' || u.n, '["member"]', '[]', ? from a, u`,
    ).run(plan.accounts, plan.usersPerAccount, now);
    db.prepare(
      `with recursive a(n) as (select 0 union all select n + 1 from a where n + 1 < ?)
       insert into app_user (id, account_id, email, display_name, roles, permissions, created_at)
       select 'usr_b' || n || '_admin', 'acct_b' || n, 'admin@b' || n || '.test', 'Bench super admin', '["super_admin"]', '[]', ? from a`,
    ).run(plan.accounts, now);
    db.exec('commit');
    db.exec('analyze');
  } finally {
    db.close();
  }
}

/** seatDiscrepancies for a libsql file. */
export function seatDiscrepanciesLibsql(path: string): { overAllocated: number; counterMismatch: number } {
  const db = new Database(path);
  try {
    const row = db.prepare(SEAT_DISCREPANCIES_SQL).get() as { over: number; mismatch: number };
    return { overAllocated: Number(row.over), counterMismatch: Number(row.mismatch) };
  } finally {
    db.close();
  }
}
