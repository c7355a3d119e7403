/** Where a fact value sits in a decision's facts, for reading the example facts and changing them. */

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export interface FactPlace {
  holder: Record<string, unknown>;
  key: string;
  /** How the change is shown: `actor.isOwner`, `products[0].availableAfter`. */
  label: string;
}

/** Where a fact value sits in facts (`product` is the first of `products`); undefined for `[*]` paths. */
export function place(facts: Record<string, unknown>, fact: string, path: string): FactPlace | undefined {
  const keys = path
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean);
  if (keys.some((k) => k.includes('['))) return undefined;
  const perProduct = fact === 'product';
  const root: unknown = perProduct ? (facts.products as unknown[] | undefined)?.[0] : facts;
  const where = perProduct ? keys : [fact, ...keys];
  if (where.length === 0) return undefined;
  let holder = root;
  for (const key of where.slice(0, -1)) holder = isObject(holder) ? holder[key] : undefined;
  if (!isObject(holder)) return undefined;
  return { holder, key: where.at(-1)!, label: perProduct ? ['products[0]', ...keys].join('.') : where.join('.') };
}

/** The value the facts have at a fact path (undefined where there is none). */
export function valueAt(facts: Record<string, unknown>, fact: string, path: string): unknown {
  const at = place(facts, fact, path);
  return at?.holder[at.key];
}
