import { CompiledQuery } from 'kysely';
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';

/**
 * PostgreSQL: runs `sql` with `$1, $2, …` bound as real query parameters, inside the entity
 * manager's transaction when it has one, and returns the rows. `em.execute()` instead inlines
 * every parameter as an escaped literal: for the large JSON parameters of batched writes that
 * escaping and copying cost more than the statement (and most of a consumer's garbage).
 * Errors come back as MikroORM's exceptions (unique violations, deadlocks…), as from em.execute.
 */
export async function executeBound<T>(
  em: SqlEntityManager<AbstractSqlDriver>,
  sql: string,
  params: readonly unknown[],
): Promise<T[]> {
  try {
    const result = await em.getKysely().executeQuery(CompiledQuery.raw(sql, [...params]));
    return result.rows as T[];
  } catch (error) {
    throw em.getDriver().convertException(error as Error);
  }
}
