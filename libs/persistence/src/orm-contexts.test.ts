/**
 * Two ORMs in one process (the dev stack runs licensing and the billing ledger together): a unit of
 * work of one, started inside a transaction of the other, must stay on its own database. MikroORM
 * finds the current transaction by context name, so each ORM needs a name of its own; with the
 * shared default, the ledger's write joined the licensing transaction ("Metadata for entity
 * ProcessedEvent not found") whenever the outbox relay handed it events under PostgreSQL.
 */
import { EntitySchema } from '@mikro-orm/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createOrm, type Orm } from './orm.js';

const table = (name: string) =>
  new EntitySchema<{ id: number }>({
    name,
    tableName: name.toLowerCase(),
    properties: { id: { type: 'number', primary: true } },
  });
const Licensing = table('LicensingRow');
const Ledger = table('LedgerRow');
const orms: Orm[] = [];
afterAll(async () => Promise.all(orms.map((o) => o.close(true))));

async function ormWith(entity: EntitySchema<{ id: number }>): Promise<Orm> {
  const orm = await createOrm({ entities: [entity], migrations: [], defaultSqlitePath: ':memory:' }, {});
  await orm.em.getConnection().execute(`create table ${entity.meta.tableName} (id integer primary key)`);
  orms.push(orm);
  return orm;
}

describe('ORMs side by side', () => {
  it('keep their own transactions when one works inside the other', async () => {
    const licensing = await ormWith(Licensing);
    const ledger = await ormWith(Ledger);
    const rows = await licensing.em.fork().transactional(async () => {
      await ledger.em.fork().transactional(async (tx) => void tx.persist(tx.create(Ledger, { id: 7 })));
      return ledger.em.fork().find(Ledger, {});
    });
    expect(rows.map((r) => r.id)).toEqual([7]);
  }, 5000); // with a shared context name the inner unit of work never finishes
});
