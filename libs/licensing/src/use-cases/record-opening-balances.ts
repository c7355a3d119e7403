import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { Database } from '@acme/licensing-data-access';
import { auditEntry } from '../domain/audit.js';
import { OPENING_BALANCE_ACTOR, type ChangeOrigin } from '../domain/change-origin.js';
import { outboxEvents, type EventPayload } from '../domain/events.js';
import { priceOf } from '../domain/price.js';

/**
 * Opening balances: the seats and assignments an account holds without having gone through the use
 * cases (the demo seed; an import) reach billing as events, so that the ledger starts from the
 * state licensing shows. One seats.purchased per product with seats, effective when the account
 * was created, and one license.assigned per assignment, effective when it was made; one audit
 * entry says what was recorded. Only for an account that has never sent an event (read under the
 * account's lock): running it again, after a crash between the seed and this, or from a second
 * instance starting at the same time, records nothing twice. Returns the number of events recorded.
 */
export async function recordOpeningBalances(db: Database, accountId: string, now: Date): Promise<number> {
  const catalog = (await db.catalog.listProducts()).map((p) => p.id);
  return db.transaction(async (tx) => {
    await tx.readFirst({ accountId });
    const account = await tx.account(accountId);
    if (!account) throw new Error(`opening balances: no account ${accountId}`);
    if ((await tx.eventSequence(accountId)) > 0) return 0;
    const subscriptions = (await tx.subscriptions(accountId, catalog)).filter((s) => s.purchased > 0);
    const held = subscriptions.map((s) => s.productId);
    const products = new Map((await tx.products(held)).map((p) => [p.id, p]));
    const payloads: EventPayload[] = [];
    for (const s of subscriptions) {
      payloads.push({
        case: 'seatsPurchased',
        value: {
          productId: s.productId,
          quantity: s.purchased,
          purchasedAfter: s.purchased,
          price: priceOf(products.get(s.productId)!, s),
          effectiveTime: timestampFromDate(account.createdAt),
        },
      });
    }
    const users = new Set<string>();
    for (const productId of held) for (const h of await tx.holders(accountId, productId)) users.add(h.userId);
    let assignments = 0;
    for (const userId of [...users].sort()) {
      for (const a of await tx.assignmentsOfUser(userId)) {
        assignments += 1;
        payloads.push({
          case: 'licenseAssigned',
          value: {
            assignmentId: a.id,
            userId,
            productId: a.productId,
            features: a.features,
            effectiveTime: timestampFromDate(a.createdAt),
            price: priceOf(
              products.get(a.productId)!,
              subscriptions.find((s) => s.productId === a.productId),
            ),
          },
        });
      }
    }
    const origin: ChangeOrigin = {
      accountId,
      actor: OPENING_BALANCE_ACTOR,
      causationId: `opening-balance:${accountId}`,
      occurredAt: now,
    };
    tx.appendAudit([
      auditEntry(origin, 'account.opening_balance', { type: 'account', id: accountId }, null, {
        seats: Object.fromEntries(subscriptions.map((s) => [s.productId, s.purchased])),
        assignments,
      }),
    ]);
    await tx.appendEvents(accountId, outboxEvents(origin, payloads));
    return payloads.length;
  });
}
