import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import { Product } from './models/index.js';
import { toCatalogProduct } from './queries.js';
import type { CatalogProduct } from './records.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

/**
 * The product catalog in memory. It changes only when `migrate()` loads the catalog file (at
 * start: "edit the file, restart"), so mutations read products from here instead of asking the
 * database on every call.
 */
export class CatalogCache {
  private loaded: Promise<Map<string, CatalogProduct>> | null = null;

  /**
   * Products by id, in id order; unknown ids are left out. `em` loads the catalog the first time:
   * the caller's own (inside a transaction on libsql's single connection, another one would wait
   * for that transaction to end).
   */
  async products(ids: string[], em: Em): Promise<CatalogProduct[]> {
    const all = await this.all(em);
    return [...new Set(ids)].sort().flatMap((id) => all.get(id) ?? []);
  }

  /** Every product of a suite, in id order. */
  async suiteProducts(suiteId: string, em: Em): Promise<CatalogProduct[]> {
    return [...(await this.all(em)).values()].filter((p) => p.suiteId === suiteId);
  }

  /** The catalog file was (re)loaded: read it again on next use. */
  reload(): void {
    this.loaded = null;
  }

  private all(em: Em): Promise<Map<string, CatalogProduct>> {
    this.loaded ??= em
      .find(Product, {}, { orderBy: { id: 'asc' } })
      .then((rows) => new Map(rows.map((p) => [p.id, toCatalogProduct(p)])))
      .catch((error: unknown) => {
        this.loaded = null;
        throw error;
      });
    return this.loaded;
  }
}
