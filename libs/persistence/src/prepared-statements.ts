import type { Pool, PoolClient, QueryConfig } from 'pg';

/** Statement texts that run prepared, by the name each connection prepares them under. */
const names = new Map<string, string>();

/**
 * Marks a parameterized SQL text (`$1, $2, …`) as a hot statement: on PostgreSQL every connection
 * parses and plans it once, then only binds and executes it. Unnamed statements, which is what
 * Kysely and MikroORM send, are parsed and planned on every execution; for the few large
 * statements a licensing mutation runs, that planning cost PostgreSQL more CPU than executing
 * them. Only texts marked here are prepared, so the statements a connection keeps stay bounded
 * (node-postgres never deallocates them). Returns the text unchanged.
 */
export function preparedStatement(sql: string): string {
  if (!names.has(sql)) names.set(sql, `acme_prepared_${names.size + 1}`);
  return sql;
}

type Query = (config: unknown, values?: unknown, callback?: unknown) => unknown;

/**
 * Makes every connection of `pool` run the marked statements as named prepared statements. The
 * callers (Kysely's driver) go on calling `query(text, values)`; a lost connection takes its
 * prepared statements with it, and the next one prepares them again.
 */
export function prepareMarkedStatements(pool: Pool): void {
  pool.on('connect', (client: PoolClient) => {
    const query = client.query.bind(client) as Query;
    (client as unknown as { query: Query }).query = (config, values, callback) => {
      const name = typeof config === 'string' && Array.isArray(values) ? names.get(config) : undefined;
      if (name === undefined) return query(config, values, callback);
      const named: QueryConfig = { name, text: config as string, values: values as unknown[] };
      return query(named, callback);
    };
  });
}
