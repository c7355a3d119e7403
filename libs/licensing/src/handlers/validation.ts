import { FIELD_LIMITS } from '@acme/licensing-data-access';
import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { AppError, type FieldViolation } from '@acme/util';

/** Most seats one purchase, quote item or sales request adds. */
export const MAX_SEATS = 10_000;

const CURRENCY = /^[A-Z]{3}$/;

/** The range of google.protobuf.Timestamp: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z. */
const MIN_SECONDS = -62_135_596_800n;
const MAX_SECONDS = 253_402_300_799n;

/** An email address as users type it (checked after trimming and lower-casing). */
export const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{1,63}$/;

/** The pattern of an id with this prefix, compiled once per prefix (every request checks ids). */
const ID_PATTERNS = new Map<string, RegExp>();
const idPattern = (prefix: string): RegExp => {
  let pattern = ID_PATTERNS.get(prefix);
  if (!pattern) ID_PATTERNS.set(prefix, (pattern = new RegExp(`^${prefix}_[A-Za-z0-9_]+$`)));
  return pattern;
};

/** Collects every bad field of a request, then throws them together (nothing is half-checked). */
export class RequestProblems {
  private readonly problems: FieldViolation[] = [];

  add(field: string, description: string): this {
    this.problems.push({ field, description });
    return this;
  }

  id(field: string, value: string, prefix: string): this {
    if (value === '') return this.add(field, 'required');
    if (!idPattern(prefix).test(value) || value.length > FIELD_LIMITS.id) {
      this.add(field, `must look like ${prefix}_<letters, digits or _>, at most ${FIELD_LIMITS.id} characters`);
    }
    return this;
  }

  /** One to `max` ids with this prefix, each well-formed and named once (a call about many users). */
  idList(field: string, ids: string[], prefix: string, noun: string, max: number): this {
    if (ids.length === 0) this.add(field, `name at least one ${noun}`);
    if (ids.length > max) return this.add(field, `at most ${max} ${noun}s per call (got ${ids.length})`);
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      this.id(`${field}[${i}]`, id, prefix);
      if (seen.has(id)) this.add(`${field}[${i}]`, `${id} is named twice`);
      seen.add(id);
    });
    return this;
  }

  /** Required text of at most `limit` characters once trimmed (the column it is stored in). */
  text(field: string, value: string, limit: keyof typeof FIELD_LIMITS): this {
    const trimmed = value.trim();
    if (trimmed === '' || trimmed.length > FIELD_LIMITS[limit])
      this.add(field, `required, at most ${FIELD_LIMITS[limit]} characters`);
    return this;
  }

  slug(field: string, value: string, example = 'a product id such as goto_meeting'): this {
    if (value === '') return this.add(field, 'required');
    if (!/^[a-z][a-z0-9_]+$/.test(value) || value.length > FIELD_LIMITS.id) this.add(field, `must be ${example}`);
    return this;
  }

  /**
   * A seat change names a product or a whole suite: exactly one of `product_id` and `suite_id`
   * (under `at`, e.g. `items[0].`, for one of several).
   */
  productOrSuite(productId: string, suiteId: string, at = ''): this {
    if (productId !== '' && suiteId !== '') return this.add(`${at}suite_id`, 'name a product or a suite, not both');
    if (suiteId !== '') return this.slug(`${at}suite_id`, suiteId, 'a suite id such as zendesk_support_suite');
    if (productId === '') return this.add(`${at}product_id`, 'required: a product, or a suite in suite_id');
    return this.slug(`${at}product_id`, productId);
  }

  /**
   * An optional time: unset, or a valid protobuf Timestamp (0001-01-01 to 9999-12-31, nanos within a
   * second), as its date.
   */
  time(field: string, value: Timestamp | undefined): Date | undefined {
    if (!value) return undefined;
    if (value.seconds < MIN_SECONDS || value.seconds > MAX_SECONDS || value.nanos < 0 || value.nanos > 999_999_999) {
      this.add(field, 'must be a time from 0001-01-01 to 9999-12-31 (nanos 0 to 999999999)');
      return undefined;
    }
    return timestampDate(value);
  }

  /** Seats added at once: 1 to MAX_SEATS. */
  seatQuantity(field: string, quantity: number): this {
    if (quantity < 1 || quantity > MAX_SEATS) this.add(field, `must be from 1 to ${MAX_SEATS}`);
    return this;
  }

  /** An ISO 4217 code such as USD. */
  currency(field: string, value: string): this {
    return CURRENCY.test(value) ? this : this.add(field, 'required: an ISO 4217 code such as USD');
  }

  /** An amount the buyer was shown (`what` says which): required, in a currency, not negative. */
  shownMoney(field: string, money: { currencyCode: string; amountMinor: bigint } | undefined, what: string): this {
    if (!money) return this.add(field, `required: ${what}`);
    if (!CURRENCY.test(money.currencyCode) || money.amountMinor < 0n)
      this.add(field, 'must be an ISO 4217 currency and a non-negative amount in minor units');
    return this;
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw AppError.invalidArgument(this.problems);
  }
}
