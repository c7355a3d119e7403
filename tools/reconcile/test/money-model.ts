/**
 * The money property's oracle: what an account should be invoiced, computed from what licensing
 * held at each midnight, without any code of the billing lib. It follows the rules of
 * libs/billing/README.md (Billing rules) as written there: day d is charged when it is held at the
 * midnight that ends it, a day costs price / days in its month, a line is rounded once, half up.
 * It also prices the carts of CreateQuote and says how a CheckoutQuote must end, without any code
 * of the licensing lib (`expectedQuote`, `expectedCheckout`).
 */

import { readFileSync } from 'node:fs';

export const DAY_MS = 86_400_000;

/** The part of libs/licensing-data-access/catalog/catalog.json the property needs. */
export interface Catalog {
  products: (Rate & { id: string; suiteId: string | null; billingPeriod: string })[];
  offerings: { id: string; products: { productId: string }[] }[];
}

export function readCatalog(): Catalog {
  const path = new URL('../../../libs/licensing-data-access/catalog/catalog.json', import.meta.url);
  const catalog = JSON.parse(readFileSync(path, 'utf8')) as Catalog;
  // The oracle prices a day at rate / days in its month: every rate it is given must be monthly.
  for (const p of catalog.products)
    if (p.billingPeriod !== 'month') throw new Error(`${p.id}: the money model knows month prices only`);
  return catalog;
}

/** What licensing holds at one instant: purchased seats per product, users in at least one queue. */
export interface Holdings {
  seats: ReadonlyMap<string, number>;
  contactCenterMembers: ReadonlySet<string>;
}

export const NOTHING_HELD: Holdings = { seats: new Map(), contactCenterMembers: new Set() };

/** A product's monthly rate and what it is charged for (the catalog's billing basis). */
export interface Rate {
  unitPriceMinor: number;
  currency: string;
  billingBasis: 'purchased_seats' | 'contact_center_member';
}

/** One charged line: seat-days (or member-days) and its amount in minor units. */
export interface MoneyLine {
  kind: 'seats' | 'contact_center';
  productId: string;
  userId: string | null;
  quantityDays: number;
  amountMinor: number;
}

export interface ExpectedInvoice {
  lines: MoneyLine[];
  totalMinor: number;
}

/**
 * What licensing held at the end of each day, for the days an invoice covers: `record` at every
 * midnight the clock passes (the state just before the clock moves past it), `at` to read it back.
 * Midnights before the first recorded one held nothing (the account started empty).
 */
export class MidnightHoldings {
  private readonly byMidnight = new Map<number, Holdings>();
  private first: number | null = null;

  record(midnight: number, held: Holdings): void {
    if (midnight % DAY_MS !== 0) throw new Error(`not a UTC midnight: ${new Date(midnight).toISOString()}`);
    this.byMidnight.set(midnight, held);
    this.first = Math.min(this.first ?? midnight, midnight);
  }

  at(midnight: number): Holdings {
    const held = this.byMidnight.get(midnight);
    if (held) return held;
    if (this.first === null || midnight < this.first) return NOTHING_HELD;
    throw new Error(`no holdings recorded at ${new Date(midnight).toISOString()}`);
  }

  /** The last midnight recorded; null before any. */
  get last(): number | null {
    return this.byMidnight.size === 0 ? null : Math.max(...this.byMidnight.keys());
  }
}

/** A sum of fractions kept exact: numerator / denominator, both BigInt. */
interface Exact {
  n: bigint;
  d: bigint;
}

/** The midnights passed in (after, upTo]: the clock moved from `after` to `upTo`. */
export function midnightsPassed(after: number, upTo: number): number[] {
  const midnights: number[] = [];
  for (let m = Math.floor(after / DAY_MS) * DAY_MS + DAY_MS; m <= upTo; m += DAY_MS) midnights.push(m);
  return midnights;
}

/** Days in the UTC calendar month that contains the day starting at `dayStart`. */
export function daysInMonth(dayStart: number): number {
  const day = new Date(dayStart);
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 0)).getUTCDate();
}

/**
 * The invoice for [from, to) (UTC midnights) from the holdings at each midnight: per product
 * billed per purchased seat, its seats x rate; per Contact Center member, the rate of the product
 * billed per queue member (whose purchased seats charge nothing). Every rate is per month.
 */
export function expectedInvoice(
  held: MidnightHoldings,
  period: { from: number; to: number },
  rates: ReadonlyMap<string, Rate>,
  contactCenterProductId: string,
): ExpectedInvoice {
  const lines = new Map<string, MoneyLine & { exact: Exact }>();
  const add = (kind: MoneyLine['kind'], productId: string, userId: string | null, quantity: number, day: number) => {
    const rate = rates.get(productId);
    if (!rate) throw new Error(`no rate for ${productId}`);
    const key = JSON.stringify([kind, productId, userId]);
    const line = lines.get(key) ?? {
      kind,
      productId,
      userId,
      quantityDays: 0,
      amountMinor: 0,
      exact: { n: 0n, d: 1n },
    };
    lines.set(key, line);
    line.quantityDays += quantity;
    // + quantity * price / days in the month, exactly
    const dayPrice = { n: BigInt(quantity * rate.unitPriceMinor), d: BigInt(daysInMonth(day)) };
    line.exact = { n: line.exact.n * dayPrice.d + dayPrice.n * line.exact.d, d: line.exact.d * dayPrice.d };
  };
  for (let day = period.from; day < period.to; day += DAY_MS) {
    const atEnd = held.at(day + DAY_MS);
    for (const [productId, seats] of atEnd.seats) {
      if (seats > 0 && rates.get(productId)?.billingBasis === 'purchased_seats')
        add('seats', productId, null, seats, day);
    }
    for (const userId of atEnd.contactCenterMembers) add('contact_center', contactCenterProductId, userId, 1, day);
  }
  const result = [...lines.values()].map(({ exact, ...line }) => ({ ...line, amountMinor: roundHalfUp(exact) }));
  return {
    lines: result.sort(compareLines),
    totalMinor: result.reduce((sum, l) => sum + l.amountMinor, 0),
  };
}

/** Lines in one order on both sides: by kind, product, user. */
export function compareLines(a: MoneyLine, b: MoneyLine): number {
  const [x, y] = [a, b].map((l) => JSON.stringify([l.kind, l.productId, l.userId]));
  return x! < y! ? -1 : x! > y! ? 1 : 0;
}

function roundHalfUp({ n, d }: Exact): number {
  return Number((2n * n + d) / (2n * d));
}

/** What a cart asks for: seats of one product, or of every product of a suite. */
export interface CartItem {
  productId?: string;
  suiteId?: string;
  quantity: number;
}

/** One product a quote changes, as the oracle prices it (its own type: the oracle imports nothing of licensing). */
export interface QuoteLineAmounts {
  productId: string;
  suiteId: string;
  quantity: number;
  purchasedBefore: number;
  purchasedAfter: number;
  unitPriceMinor: number;
  proratedMinor: number;
}

export interface ExpectedQuote {
  /** By product id. */
  lines: QuoteLineAmounts[];
  totalMinor: number;
  expiresAt: number;
}

/** How long a quote can be checked out (proto/acme/licensing/v1/quotes.proto, Quote.expire_time). */
export const QUOTE_LIFETIME_MS = 30 * 60_000;

/**
 * What CreateQuote must answer for `items` asked at `at` while `held` is held, at the catalog's
 * (list) rates: a line per product (a suite, every product of it), each charging the added seats
 * from the quote's day through the last day of its month, as the invoice charges a seat bought
 * that day: unit x quantity x charged days / days in the month, rounded once, half up; nothing for
 * a product billed per queue member. The total is the sum of the lines; the quote expires 30
 * minutes later or at the next UTC midnight, whichever comes first.
 */
export function expectedQuote(catalog: Catalog, items: CartItem[], at: number, held: Holdings): ExpectedQuote {
  const day = Math.floor(at / DAY_MS) * DAY_MS;
  const chargedDays = (Date.UTC(new Date(day).getUTCFullYear(), new Date(day).getUTCMonth() + 1, 1) - day) / DAY_MS;
  const lines = items.flatMap((item) => {
    const products = item.suiteId
      ? catalog.products.filter((p) => p.suiteId === item.suiteId)
      : catalog.products.filter((p) => p.id === item.productId);
    if (products.length === 0) throw new Error(`nothing to price in ${JSON.stringify(item)}`);
    return products.map((p): QuoteLineAmounts => {
      const before = held.seats.get(p.id) ?? 0;
      const exact = {
        n: BigInt(p.unitPriceMinor) * BigInt(item.quantity) * BigInt(chargedDays),
        d: BigInt(daysInMonth(day)),
      };
      return {
        productId: p.id,
        suiteId: item.suiteId ?? '',
        quantity: item.quantity,
        purchasedBefore: before,
        purchasedAfter: before + item.quantity,
        unitPriceMinor: p.unitPriceMinor,
        proratedMinor: p.billingBasis === 'purchased_seats' ? roundHalfUp(exact) : 0,
      };
    });
  });
  return {
    lines: lines.sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0)),
    totalMinor: lines.reduce((sum, l) => sum + l.proratedMinor, 0),
    expiresAt: Math.min(at + QUOTE_LIFETIME_MS, day + DAY_MS),
  };
}

/** A quote as the steps remember it: what it priced and whether it was checked out. */
export interface QuoteSeen {
  id: string;
  lines: Pick<QuoteLineAmounts, 'productId' | 'quantity' | 'purchasedBefore'>[];
  totalMinor: number;
  expiresAt: number;
  checkedOut: boolean;
}

/**
 * How CheckoutQuote of `quote` must end at `at` while `held` is held, with the quote's total shown
 * or another one (`wrongTotal`), in the checks' documented order: checked out already
 * (FAILED_PRECONDITION/CONFLICT), expired (QUOTE_EXPIRED), a total other than the quote's
 * (PRICE_MISMATCH), seats of its products changed since (ABORTED/CONFLICT); else bought (`ok`): the
 * purchase rules allowed the same seats when it was quoted.
 */
export function expectedCheckout(quote: QuoteSeen, at: number, held: Holdings, wrongTotal: boolean): string {
  if (quote.checkedOut) return 'FAILED_PRECONDITION/CONFLICT';
  if (at >= quote.expiresAt) return 'FAILED_PRECONDITION/QUOTE_EXPIRED';
  if (wrongTotal) return 'FAILED_PRECONDITION/PRICE_MISMATCH';
  if (quote.lines.some((l) => (held.seats.get(l.productId) ?? 0) !== l.purchasedBefore)) return 'ABORTED/CONFLICT';
  return 'ok';
}

/** Purchased seats after a checkout of `quote` from `held`: each of its products, plus its quantity. */
export function seatsAfterCheckout(quote: QuoteSeen, held: Holdings): Map<string, number> {
  const seats = new Map(held.seats);
  for (const l of quote.lines) seats.set(l.productId, (seats.get(l.productId) ?? 0) + l.quantity);
  return seats;
}
