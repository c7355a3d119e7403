/**
 * `USD 27.00` for 2700 minor units: the currency's own number of minor digits (JPY 0, KWD 3),
 * integer arithmetic only, so no floating-point artefacts in what people read.
 */
export function formatMoneyMinor(amountMinor: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = amountMinor < 0 ? '-' : '';
  const text = String(Math.abs(amountMinor)).padStart(digits + 1, '0');
  const decimal = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return `${currency} ${sign}${decimal}`;
}

function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2; // not a well-formed code: show it like most currencies rather than fail a report
  }
}
