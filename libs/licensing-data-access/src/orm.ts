import { createOrm as createSchemaOrm, migrateUp, type Orm, type OrmOptions, type Schema } from '@acme/persistence';
import { ENTITIES } from './models/index.js';
import { MIGRATIONS } from './migrations/index.js';

export type { Orm, OrmOptions };
export { migrateUp };

/** The licensing schema: its entities, its migrations, and where the embedded file lives. */
export const LICENSING_SCHEMA: Schema = { entities: ENTITIES, migrations: MIGRATIONS, defaultSqlitePath: 'data/licensing.db' };

export function createOrm(options: OrmOptions): Promise<Orm> {
  return createSchemaOrm(LICENSING_SCHEMA, options);
}
