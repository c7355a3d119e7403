import { describe, expect, it } from 'vitest';
import { formatMoneyMinor } from './format-money.js';

describe('formatMoneyMinor', () => {
  it.each([
    [2700, 'USD', 'USD 27.00'],
    [5, 'USD', 'USD 0.05'],
    [0, 'EUR', 'EUR 0.00'],
    [123456789, 'EUR', 'EUR 1234567.89'],
    [1234, 'JPY', 'JPY 1234'], // no minor unit
    [12345, 'KWD', 'KWD 12.345'], // three minor digits
    [-250, 'USD', 'USD -2.50'],
  ])('renders %i %s as %s', (amount, currency, text) => {
    expect(formatMoneyMinor(amount, currency)).toBe(text);
  });
});
