import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { Product } from './models/index.js';
import { listOfferings, listSuites, toCatalogProduct } from './queries.js';
import type { CatalogProduct, CatalogSuite, OfferingRecord } from './records.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

/**
 * The product catalog (products, suites, offerings) in memory. It changes only when `migrate()`
 * loads the catalog file (at start: "edit the file, restart"), so mutations read products from here
 * instead of asking the database on every call.
 */
export class CatalogCache {
  private loaded: Promise<{
    products: Map<string, CatalogProduct>;
    suites: Map<string, CatalogSuite>;
    offerings: Map<string, OfferingRecord>;
  }> | null = null;

  /**
   * Products by id, in id order; unknown ids are left out. `em` loads the catalog the first time:
   * the caller's own (inside a transaction on libsql's single connection, another one would wait
   * for that transaction to end).
   */
  async products(ids: string[], em: Em): Promise<CatalogProduct[]> {
    const { products } = await this.all(em);
    return [...new Set(ids)].sort().flatMap((id) => products.get(id) ?? []);
  }

  async suite(suiteId: string, em: Em): Promise<CatalogSuite | null> {
    return (await this.all(em)).suites.get(suiteId) ?? null;
  }

  async offering(offeringId: string, em: Em): Promise<OfferingRecord | null> {
    return (await this.all(em)).offerings.get(offeringId) ?? null;
  }

  /** The catalog file was (re)loaded: read it again on next use. */
  reload(): void {
    this.loaded = null;
  }

  private all(em: Em) {
    // One after the other: on libsql the caller's transaction has the only connection.
    this.loaded ??= (async () => {
      const products = await em.find(Product, {}, { orderBy: { id: 'asc' } });
      const suites = await listSuites(em);
      const offerings = await listOfferings(em);
      return {
        products: new Map(products.map((p) => [p.id, toCatalogProduct(p)])),
        suites: new Map(suites.map((s) => [s.id, s])),
        offerings: new Map(offerings.map((o) => [o.id, o])),
      };
    })().catch((error: unknown) => {
      this.loaded = null;
      throw error;
    });
    return this.loaded;
  }
}
