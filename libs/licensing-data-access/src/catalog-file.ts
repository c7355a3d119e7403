import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The catalog is data operators edit (catalog/catalog.json); this validates it with precise errors. */
const slug = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,63}$/, { error: 'expected a lower-case slug (a-z, 0-9, _), 2-64 characters' });

const catalogSchema = z
  .object({
    // parityRequired: every product of the suite keeps the same number of seats (Support Suite, Sales Suite).
    suites: z.array(z.object({ id: slug, name: z.string().min(1).max(200), parityRequired: z.boolean() }).strict()),
    products: z.array(
      z
        .object({
          id: slug,
          name: z.string().min(1).max(200),
          vendor: z.enum(['goto', 'zendesk']),
          features: z.array(slug),
          suiteId: slug.nullable(),
          unitPriceMinor: z.number().int().nonnegative(),
          currency: z.string().regex(/^[A-Z]{3}$/, { error: 'expected an ISO 4217 code such as USD' }),
          billingPeriod: z.enum(['month', 'year']),
          // What the price is charged for: each purchased seat, or each user in a contact-center queue.
          billingBasis: z.enum(['purchased_seats', 'contact_center_member']),
        })
        .strict(),
    ),
    // What an account may buy, and at which rate: a product's list price unless the offering names
    // one (unitPriceMinor with its currency).
    offerings: z.array(
      z
        .object({
          id: slug,
          name: z.string().min(1).max(200),
          products: z.array(
            z
              .object({
                productId: slug,
                unitPriceMinor: z.number().int().nonnegative().optional(),
                currency: z
                  .string()
                  .regex(/^[A-Z]{3}$/, { error: 'expected an ISO 4217 code such as USD' })
                  .optional(),
              })
              .strict()
              .refine((line) => (line.unitPriceMinor === undefined) === (line.currency === undefined), {
                error: 'give unitPriceMinor and currency together, or neither (the list price)',
              }),
          ),
        })
        .strict(),
    ),
  })
  .strict()
  .superRefine((catalog, ctx) => {
    const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    /** The ids of `items` as a set, each id seen twice reported at its place. */
    const uniqueIds = (items: { id: string }[], list: string, what: string) => {
      const ids = new Set<string>();
      items.forEach(({ id }, index) => {
        if (ids.has(id)) problem([list, index, 'id'], `duplicate ${what} id ${id}`);
        ids.add(id);
      });
      return ids;
    };
    const suites = new Set(catalog.suites.map((s) => s.id));
    const products = uniqueIds(catalog.products, 'products', 'product');
    catalog.products.forEach((product, index) => {
      if (product.suiteId && !suites.has(product.suiteId))
        problem(['products', index, 'suiteId'], `unknown suite ${product.suiteId}`);
    });
    uniqueIds(catalog.offerings, 'offerings', 'offering');
    catalog.offerings.forEach((offering, index) =>
      offering.products.forEach((line, at) => {
        if (!products.has(line.productId))
          problem(['offerings', index, 'products', at, 'productId'], `unknown product ${line.productId}`);
      }),
    );
  });

export type CatalogFile = z.infer<typeof catalogSchema>;

/** An offering's lines with the list price filled in where the offering names none. */
export function offeringPrices(
  catalog: CatalogFile,
  offering: CatalogFile['offerings'][number],
): { productId: string; unitPriceMinor: number; currency: string }[] {
  return offering.products.map((line) => {
    const product = catalog.products.find((p) => p.id === line.productId)!;
    return {
      productId: line.productId,
      unitPriceMinor: line.unitPriceMinor ?? product.unitPriceMinor,
      currency: line.currency ?? product.currency,
    };
  });
}

export const DEFAULT_CATALOG_PATH = fileURLToPath(new URL('../catalog/catalog.json', import.meta.url));

export function parseCatalog(json: unknown, source = 'catalog'): CatalogFile {
  const result = catalogSchema.safeParse(json);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new Error(`invalid catalog:\n${lines.join('\n')}`);
}

export function readCatalogFile(path = DEFAULT_CATALOG_PATH): CatalogFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: not readable JSON (${(error as Error).message})`, { cause: error });
  }
  return parseCatalog(json, path);
}
