import { describe, expect, it } from 'vitest';
import { offeringPrices, parseCatalog, readCatalogFile } from './catalog-file.js';

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
              billingBasis: 'per_user',
            },
          ],
        },
        'catalog.json',
      ),
    ).toThrow(
      /catalog\.json: products\.0\.id: expected a lower-case slug[\s\S]*products\.0\.unitPriceMinor[\s\S]*products\.0\.currency: expected an ISO 4217[\s\S]*products\.0\.billingBasis/,
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
      billingBasis: 'purchased_seats',
    };
    expect(() => parseCatalog({ suites: [], products: [product, product], offerings: [] })).toThrow(
      /duplicate product id p_one[\s\S]*|unknown suite ghost/,
    );
  });

  it('checks offerings: known products, a price with its currency or neither, list prices filled in', () => {
    const catalog = readCatalogFile();
    const offering = (products: unknown[]) => ({ ...catalog, offerings: [{ id: 'o_one', name: 'x', products }] });
    expect(() =>
      parseCatalog(offering([{ productId: 'ghost' }, { productId: 'goto_meeting', unitPriceMinor: 1200 }]), 'c.json'),
    ).toThrow(
      /c\.json: offerings\.0\.products\.1: give unitPriceMinor and currency together[\s\S]*offerings\.0\.products\.0\.productId: unknown product ghost/,
    );
    const parsed = parseCatalog(
      offering([
        { productId: 'goto_meeting' },
        { productId: 'goto_contact_center', unitPriceMinor: 6000, currency: 'USD' },
      ]),
    );
    expect(offeringPrices(parsed, parsed.offerings[0]!)).toEqual([
      { productId: 'goto_meeting', unitPriceMinor: 1400, currency: 'USD' },
      { productId: 'goto_contact_center', unitPriceMinor: 6000, currency: 'USD' },
    ]);
  });

  it('ships an offering per vendor that offers every product of it', () => {
    const catalog = readCatalogFile();
    for (const vendor of ['goto', 'zendesk'] as const) {
      const products = catalog.products.filter((p) => p.vendor === vendor).map((p) => p.id);
      expect(catalog.offerings.some((o) => products.every((id) => o.products.some((l) => l.productId === id)))).toBe(
        true,
      );
    }
  });
});
