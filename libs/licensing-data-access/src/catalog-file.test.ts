import { describe, expect, it } from 'vitest';
import { parseCatalog, readCatalogFile } from './catalog-file.js';

describe('catalog file', () => {
  it('ships a valid catalog with GoTo and Zendesk products', () => {
    const catalog = readCatalogFile();
    expect(new Set(catalog.products.map((p) => p.vendor))).toEqual(new Set(['goto', 'zendesk']));
  });

  it('names every problem with its path', () => {
    expect(() =>
      parseCatalog(
        {
          suites: [],
          products: [
            {
              id: 'Bad Id',
              name: 'x',
              vendor: 'goto',
              features: [],
              suiteId: 'nope',
              unitPriceMinor: -1,
              currency: 'usd',
              billingPeriod: 'month',
            },
          ],
        },
        'catalog.json',
      ),
    ).toThrow(
      /catalog\.json: products\.0\.id: expected a lower-case slug[\s\S]*products\.0\.unitPriceMinor[\s\S]*products\.0\.currency: expected an ISO 4217/,
    );
  });

  it('rejects duplicate products and unknown suites', () => {
    const product = {
      id: 'p_one',
      name: 'x',
      vendor: 'goto',
      features: [],
      suiteId: 'ghost',
      unitPriceMinor: 1,
      currency: 'USD',
      billingPeriod: 'month',
    };
    expect(() => parseCatalog({ suites: [], products: [product, product] })).toThrow(
      /duplicate product id p_one[\s\S]*|unknown suite ghost/,
    );
  });
});
