import { createOrm as createSchemaOrm, migrateUp, type Orm, type OrmOptions, type Schema } from '@acme/persistence';
import { ENTITIES } from './models/index.js';
import { MIGRATIONS } from './migrations/index.js';
import { ROUTINES } from './routines.js';

export type { Orm, OrmOptions };
export { migrateUp };

/** The licensing schema: its entities, its migrations, their stored functions, and where the embedded file lives. */
export const LICENSING_SCHEMA: Schema = {
  entities: ENTITIES,
  migrations: MIGRATIONS,
  routines: ROUTINES,
  defaultSqlitePath: 'data/licensing.db',
};

export function createOrm(options: OrmOptions): Promise<Orm> {
  return createSchemaOrm(LICENSING_SCHEMA, options);
}
