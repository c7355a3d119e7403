/**
 * What a refused call must not change: every licensing table, as a row count and a content hash.
 * Read straight from PostgreSQL (not through the service), so the service cannot hide a write.
 */
import pg from 'pg';

/** Every table a licensing call can write, plus the catalog and accounts it reads (queues live in cc_queue*). */
export const SNAPSHOT_TABLES = [
  'account',
  'product',
  'suite',
  'subscription',
  'assignment',
  'app_user',
  'audit_entry',
  'outbox_event',
  'idempotency_record',
  'sales_order',
  'cc_queue',
  'cc_queue_member',
  'phone_configuration',
] as const;

export type TableSnapshot = Record<(typeof SNAPSHOT_TABLES)[number], { rows: number; hash: string }>;

// One round trip: each table's rows as text, sorted, hashed; a table's row text covers every column.
const SNAPSHOT_SQL = SNAPSHOT_TABLES.map(
  (table) =>
    `select '${table}' as name, count(*)::int as rows, coalesce(md5(string_agg(t::text, E'\\n' order by t::text)), '') as hash from "${table}" t`,
).join(' union all ');

export interface DatabaseSnapshots {
  take(): Promise<TableSnapshot>;
  close(): Promise<void>;
}

export function databaseSnapshots(databaseUrl: string): DatabaseSnapshots {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  return {
    async take() {
      const result = await pool.query<{ name: keyof TableSnapshot; rows: number; hash: string }>(SNAPSHOT_SQL);
      return Object.fromEntries(result.rows.map((r) => [r.name, { rows: r.rows, hash: r.hash }])) as TableSnapshot;
    },
    close: () => pool.end(),
  };
}
