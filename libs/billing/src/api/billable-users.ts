import type { MessageInitShape } from '@bufbuild/protobuf';
import type { billing } from '@acme/contracts';
import type { Invoice } from '../ledger/invoice-types.js';
import { compareStrings } from '../ledger/entry-order.js';
import { money } from './billing-messages.js';

type BillableUser = MessageInitShape<typeof billing.BillableUserSchema>;

/**
 * The users an invoice involves, by user id: every seat held in the period (the account's seats
 * are what is charged; the user holds one) and every Contact Center line (the user's own charge).
 */
export function billableUsers(invoice: Invoice): BillableUser[] {
  const users = new Map<string, Map<string, { basis: string; days: number; currency: string; amountMinor: number }>>();
  const product = (userId: string, productId: string, basis: string, currency: string) => {
    const products = users.get(userId) ?? new Map();
    users.set(userId, products);
    const entry = products.get(productId) ?? { basis, days: 0, currency, amountMinor: 0 };
    products.set(productId, entry);
    return entry;
  };
  for (const line of invoice.lines) {
    if (line.kind !== 'contact_center' || !line.userId) continue;
    const entry = product(line.userId, line.productId, 'contact_center_member', line.currency);
    entry.days += line.quantityDays;
    entry.amountMinor += line.amountMinor;
  }
  for (const usage of invoice.usage) {
    if (usage.daysInPeriod === 0) continue;
    const entry = product(usage.userId, usage.productId, 'purchased_seats', '');
    if (entry.basis === 'purchased_seats') entry.days += usage.daysInPeriod;
  }
  return [...users.keys()].sort(compareStrings).map((userId) => ({
    userId,
    products: [...users.get(userId)!.entries()]
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([productId, p]) => ({
        productId,
        basis: p.basis,
        days: p.days,
        ...(p.currency ? { amount: money(p.currency, p.amountMinor) } : {}),
      })),
  }));
}
