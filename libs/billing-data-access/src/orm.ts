import { createOrm as createSchemaOrm, type Orm, type OrmOptions, type Schema } from '@acme/persistence';
import { ENTITIES } from './models/index.js';
import { MIGRATIONS } from './migrations/index.js';

/** The billing schema: its entities, its migrations, and where the embedded file lives. */
export const BILLING_SCHEMA: Schema = {
  entities: ENTITIES,
  migrations: MIGRATIONS,
  defaultSqlitePath: 'data/billing.db',
};

export function createOrm(options: OrmOptions): Promise<Orm> {
  return createSchemaOrm(BILLING_SCHEMA, options);
}
