import { events } from '@acme/contracts';
import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import type { BillingBasis, BillingPeriod } from './ledger-entry.js';

/** A seat price read from an event, in the ledger's terms. */
export interface EntryPrice {
  unitPriceMinor: number;
  currency: string;
  billingPeriod: BillingPeriod;
  /** Null when the producer did not state it (events written before the basis was carried). */
  billingBasis: BillingBasis | null;
}

const BASIS_BY_ENUM = new Map<number, BillingBasis | null>([
  [events.BillingBasis.UNSPECIFIED, null],
  [events.BillingBasis.PURCHASED_SEATS, 'purchased_seats'],
  [events.BillingBasis.CONTACT_CENTER_MEMBER, 'contact_center_member'],
]);

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Longest id the ledger stores (its id columns are varchar(64), like the licensing ids they copy).
 * A longer one, like a NUL or another control character PostgreSQL refuses in text, would fail
 * the ledger insert and be retried forever, stopping its partition: it is refused here instead.
 */
export const MAX_ID_LENGTH = 64;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** google.protobuf.Timestamp's valid range (0001-01-01 to 9999-12-31 UTC), in seconds. */
const MIN_TIMESTAMP_SECONDS = -62_135_596_800n;
const MAX_TIMESTAMP_SECONDS = 253_402_300_799n;

/** Quotes an event's value for a reason, clipped: reasons go into a Kafka header. */
export function quote(value: string): string {
  return value.length <= 80
    ? JSON.stringify(value)
    : `${JSON.stringify(value.slice(0, 80))}... (${value.length} characters)`;
}

/**
 * Every problem of one event, each naming the proto field path (`license_assigned.user_id`). The
 * readers record a problem and return undefined instead of throwing, so one pass over an event
 * reports all of its problems together in the dead-letter reason.
 */
export class EventProblems {
  readonly problems: string[] = [];

  add(problem: string): void {
    this.problems.push(problem);
  }

  /** A required identifier: non-blank, at most MAX_ID_LENGTH characters, no control characters. */
  id(path: string, value: string): string | undefined {
    if (value.trim() !== '') return this.idFits(path, value) ? value : undefined;
    this.add(`missing ${path}`);
    return undefined;
  }

  /** Whether a present identifier fits the ledger; records the problem when not. */
  idFits(path: string, value: string): boolean {
    return this.textFits(path, value, MAX_ID_LENGTH);
  }

  /** Whether a text fits a ledger column of `max` characters without control characters; records the problem when not. */
  textFits(path: string, value: string, max: number): boolean {
    if (value.length > max) this.add(`${path}: expected at most ${max} characters, got ${value.length}`);
    else if (CONTROL_CHARACTERS.test(value)) this.add(`${path}: expected no control characters, got ${quote(value)}`);
    else return true;
    return false;
  }

  quantity(path: string, value: number): number | undefined {
    if (value > 0) return value;
    this.add(`${path}: expected > 0, got ${value}`);
    return undefined;
  }

  time(path: string, value: Timestamp | undefined): Date | undefined {
    if (!value) {
      this.add(`missing ${path}`);
      return undefined;
    }
    // Outside Timestamp's range PostgreSQL refuses some dates (the ledger could never store them).
    const inRange = value.seconds >= MIN_TIMESTAMP_SECONDS && value.seconds <= MAX_TIMESTAMP_SECONDS;
    if (inRange && value.nanos >= 0 && value.nanos <= 999_999_999) return timestampDate(value);
    this.add(
      `${path}: expected a valid timestamp (0001-01-01 to 9999-12-31), got seconds=${value.seconds} nanos=${value.nanos}`,
    );
    return undefined;
  }

  price(path: string, price: events.SeatPrice | undefined): EntryPrice | undefined {
    if (!price) {
      this.add(`missing ${path}`);
      return undefined;
    }
    let money: { unitPriceMinor: number; currency: string } | undefined;
    if (price.unitPrice) money = this.money(`${path}.unit_price`, price.unitPrice);
    else this.add(`missing ${path}.unit_price`);
    const billingPeriod = this.billingPeriod(`${path}.billing_period`, price.billingPeriod);
    const billingBasis = this.billingBasis(`${path}.billing_basis`, price.billingBasis);
    return money && billingPeriod && billingBasis !== undefined ? { ...money, billingPeriod, billingBasis } : undefined;
  }

  /** A basis this consumer does not know (a newer producer's) is never guessed: money depends on it. */
  private billingBasis(path: string, value: number): BillingBasis | null | undefined {
    if (BASIS_BY_ENUM.has(value)) return BASIS_BY_ENUM.get(value);
    this.add(`${path}: unknown billing basis ${value}`);
    return undefined;
  }

  private money(path: string, money: events.Money): { unitPriceMinor: number; currency: string } | undefined {
    let currency: string | undefined;
    if (money.currencyCode === '') this.add(`missing ${path}.currency_code`);
    else if (!/^[A-Z]{3}$/.test(money.currencyCode))
      this.add(`${path}.currency_code: expected a 3-letter ISO 4217 code, got ${quote(money.currencyCode)}`);
    else currency = money.currencyCode;
    let unitPriceMinor: number | undefined;
    // Amounts become JS numbers in the ledger, so they must be exact there.
    if (money.amountMinor < 0n) this.add(`${path}.amount_minor: expected >= 0, got ${money.amountMinor}`);
    else if (money.amountMinor > MAX_SAFE)
      this.add(
        `${path}.amount_minor: expected at most ${MAX_SAFE} (Number.MAX_SAFE_INTEGER), got ${money.amountMinor}`,
      );
    else unitPriceMinor = Number(money.amountMinor);
    return currency !== undefined && unitPriceMinor !== undefined ? { unitPriceMinor, currency } : undefined;
  }

  private billingPeriod(path: string, value: string): BillingPeriod | undefined {
    if (value === 'month' || value === 'year') return value;
    this.add(value === '' ? `missing ${path}` : `${path}: expected "month" or "year", got ${quote(value)}`);
    return undefined;
  }
}
