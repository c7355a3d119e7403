import type { IntlShape } from '@formatjs/intl';

/** An amount in minor units (cents) in the locale's way, with the currency's own number of decimals. */
export function formatMoney(intl: IntlShape<string>, money: { currencyCode: string; amountMinor: bigint }): string {
  const format = { style: 'currency', currency: money.currencyCode } as const;
  const decimals = new Intl.NumberFormat('en', format).resolvedOptions().maximumFractionDigits ?? 2;
  return intl.formatNumber(Number(money.amountMinor) / 10 ** decimals, format);
}
