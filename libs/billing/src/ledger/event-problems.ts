import type { events } from '@acme/contracts';
import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import type { BillingPeriod } from './ledger-entry.js';

/** A seat price read from an event, in the ledger's terms. */
export interface EntryPrice {
  unitPriceMinor: number;
  currency: string;
  billingPeriod: BillingPeriod;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

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

  /** A required identifier: non-blank. */
  id(path: string, value: string): string | undefined {
    if (value.trim() !== '') return value;
    this.add(`missing ${path}`);
    return undefined;
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
    const date = timestampDate(value);
    if (value.nanos >= 0 && value.nanos <= 999_999_999 && !Number.isNaN(date.getTime())) return date;
    this.add(`${path}: expected a valid timestamp, got seconds=${value.seconds} nanos=${value.nanos}`);
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
    return money && billingPeriod ? { ...money, billingPeriod } : undefined;
  }

  private money(path: string, money: events.Money): { unitPriceMinor: number; currency: string } | undefined {
    let currency: string | undefined;
    if (money.currencyCode === '') this.add(`missing ${path}.currency_code`);
    else if (!/^[A-Z]{3}$/.test(money.currencyCode)) this.add(`${path}.currency_code: expected a 3-letter ISO 4217 code, got ${JSON.stringify(money.currencyCode)}`);
    else currency = money.currencyCode;
    let unitPriceMinor: number | undefined;
    // Amounts become JS numbers in the ledger, so they must be exact there.
    if (money.amountMinor < 0n) this.add(`${path}.amount_minor: expected >= 0, got ${money.amountMinor}`);
    else if (money.amountMinor > MAX_SAFE) this.add(`${path}.amount_minor: expected at most ${MAX_SAFE} (Number.MAX_SAFE_INTEGER), got ${money.amountMinor}`);
    else unitPriceMinor = Number(money.amountMinor);
    return currency !== undefined && unitPriceMinor !== undefined ? { unitPriceMinor, currency } : undefined;
  }

  private billingPeriod(path: string, value: string): BillingPeriod | undefined {
    if (value === 'month' || value === 'year') return value;
    this.add(value === '' ? `missing ${path}` : `${path}: expected "month" or "year", got ${JSON.stringify(value)}`);
    return undefined;
  }
}
