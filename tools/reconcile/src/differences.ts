import type { LedgerHoldings } from '@acme/billing';
import type { AccountHoldingsRecord } from '@acme/licensing-data-access';

/** One way licensing and the ledger disagree about an account, said in plain words. */
export interface Difference {
  accountId: string;
  kind: 'account' | 'purchased_seats' | 'assignment' | 'contact_center_member';
  message: string;
}

/**
 * Every difference between what licensing says an account holds and what its ledger says, in a
 * stable order: purchased seats by product, assignments by id, Contact Center users by product and
 * user. A product absent on one side holds 0 seats there.
 */
export function holdingDifferences(licensing: AccountHoldingsRecord, ledger: LedgerHoldings): Difference[] {
  const { accountId } = licensing;
  const named = (kind: Difference['kind'], what: string[]) =>
    what.map((w): Difference => ({ accountId, kind, message: `${accountId} ${w}` }));
  return [
    ...named('purchased_seats', seatDifferences(licensing, ledger)),
    ...named('assignment', assignmentDifferences(licensing, ledger)),
    ...named('contact_center_member', contactCenterDifferences(licensing, ledger)),
  ];
}

function seatDifferences(licensing: AccountHoldingsRecord, ledger: LedgerHoldings): string[] {
  const bought = new Map(licensing.purchasedSeats.map((s) => [s.productId, s.quantity]));
  const products = [...new Set([...bought.keys(), ...ledger.purchasedSeats.keys()])].sort();
  return products.flatMap((productId) => {
    const inLicensing = bought.get(productId) ?? 0;
    const inLedger = ledger.purchasedSeats.get(productId) ?? 0;
    return inLicensing === inLedger
      ? []
      : [`${productId}: ${inLicensing} seats purchased in licensing, ${inLedger} in the ledger`];
  });
}

function assignmentDifferences(licensing: AccountHoldingsRecord, ledger: LedgerHoldings): string[] {
  const active = new Map(licensing.assignments.map((a) => [a.id, a]));
  const ids = [...new Set([...active.keys(), ...ledger.openSeats.keys()])].sort();
  const who = (h: { userId: string; productId: string }) => `(${h.userId}, ${h.productId})`;
  return ids.flatMap((id) => {
    const held = active.get(id);
    const open = ledger.openSeats.get(id);
    if (!open) return [`assignment ${id} ${who(held!)}: active in licensing, no open seat in the ledger`];
    if (!held) return [`assignment ${id} ${who(open)}: open seat in the ledger, not active in licensing`];
    if (held.userId !== open.userId || held.productId !== open.productId)
      return [`assignment ${id}: ${who(held)} in licensing, an open seat of ${who(open)} in the ledger`];
    return [];
  });
}

function contactCenterDifferences(licensing: AccountHoldingsRecord, ledger: LedgerHoldings): string[] {
  const key = (m: { productId: string; userId: string }) => `${m.productId} contact-center member ${m.userId}`;
  const billable = new Set(licensing.contactCenterMembers.map(key));
  const billed = new Set(ledger.contactCenterMembers.map(key));
  return [...new Set([...billable, ...billed])].sort().flatMap((member) => {
    if (!billed.has(member)) return [`${member}: in a queue in licensing, not billed in the ledger`];
    if (!billable.has(member)) return [`${member}: billed in the ledger, in no queue in licensing`];
    return [];
  });
}
