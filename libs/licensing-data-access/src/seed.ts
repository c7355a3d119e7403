import type { SqlEntityManager, AbstractSqlDriver } from '@mikro-orm/sql';
import { Offering, Product, Suite } from './models/index.js';
import { offeringPrices, type CatalogFile } from './catalog-file.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

/** Inserts or updates every suite, product and offering of the catalog file; safe to run at every start. */
export async function seedCatalog(em: Em, catalog: CatalogFile): Promise<void> {
  await em.transactional(async (tx) => {
    for (const suite of catalog.suites) await tx.upsert(Suite, suite);
    for (const { suiteId, ...product } of catalog.products) await tx.upsert(Product, { ...product, suite: suiteId });
    for (const offering of catalog.offerings)
      await tx.upsert(Offering, { id: offering.id, name: offering.name, prices: offeringPrices(catalog, offering) });
  });
}
