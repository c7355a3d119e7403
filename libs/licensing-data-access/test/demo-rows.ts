/**
 * The demo accounts as plain rows, for this library's tests: what the licensing service's demo seed
 * leaves behind (accounts, users, subscriptions at the offering's rates, assignments), without its
 * audit entries and events. An account that exists is left alone, as the service's seed does.
 */
import type { Database } from '../src/database.js';
import { DEMO_ACCOUNTS, DEMO_EPOCH } from '../src/demo-accounts.js';

export async function seedDemoRows(db: Database): Promise<void> {
  // One transaction per account: a transaction's write batch moves one account's seat counters.
  for (const demo of DEMO_ACCOUNTS) {
    await db.transaction(async (tx) => {
      if (await tx.account(demo.id)) return;
      await tx.insertAccount({
        id: demo.id,
        name: demo.name,
        kind: demo.kind,
        style: demo.style,
        legacyPlan: false,
        cardOnFile: demo.cardOnFile,
        ownerUserId: demo.users[0]!.id,
        offeringId: demo.offeringId,
        currency: 'USD',
        billingProfileId: demo.cardOnFile ? `bp_${demo.id}` : null,
        createdAt: DEMO_EPOCH,
        suspended: false,
      });
      const offering = await tx.offering(demo.offeringId);
      for (const [productId, seats] of Object.entries(demo.seats)) {
        const rate = offering!.prices.find((p) => p.productId === productId)!;
        await tx.ensureSubscription(demo.id, productId, rate.unitPriceMinor, rate.currency);
        await tx.setPurchasedSeats(demo.id, productId, seats);
      }
      for (const user of demo.users) {
        const createdAt = new Date(DEMO_EPOCH.getTime() + user.addedAfterMinutes * 60_000);
        const { id, email, displayName, roles } = user;
        tx.insertUser({
          id,
          accountId: demo.id,
          email,
          displayName,
          roles,
          permissions: user.permissions ?? [],
          createdAt,
        });
        for (const productId of user.products) {
          await tx.reserveSeats(demo.id, productId, 1, () => new Error(`demo rows: no seat of ${productId}`));
          tx.insertAssignment({ accountId: demo.id, userId: user.id, productId, features: {}, createdAt });
        }
      }
    });
  }
}
