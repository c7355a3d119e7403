import type { Principal } from '@acme/auth';
import {
  DEMO_ACCOUNTS,
  DEMO_EPOCH,
  type AccountRecord,
  type Database,
  type DemoAccount,
  type LicenseBook,
  type UserRecord,
} from '@acme/licensing-data-access';
import type { DecisionPoint, RuleSet } from '@acme/rules';
import { FIRST_USER_ROLES } from '../domain/account-terms.js';
import { assignLicenses } from './assign-licenses.js';
import { createAccount } from './create-account.js';
import { reportSeatThresholds } from './report-seat-thresholds.js';
import { createUser } from './create-user.js';
import { applyPurchase, decidePurchase, priceSeats } from './purchase-seats.js';
import { setCardOnFile } from './set-card-on-file.js';
import { requireWhoMayAct, type UseCaseContext } from './use-case-context.js';

/** The back office that opens the demo accounts, as a service with the scope CreateAccount needs. */
const DEMO_BACK_OFFICE: Principal = {
  subject: 'svc_demo_seed',
  kind: 'service',
  accountId: null,
  scopes: ['accounts:write'],
  roles: [],
  permissions: [],
  tokenId: null,
};

/** The request id every audit entry and event of the seed carries as its causation. */
const SEED_REQUEST = 'demo-seed';

/**
 * Opens the demo accounts that do not exist yet (an account that exists is left alone, so a
 * developer's changes survive restarts), each the way a customer's would be, through the use cases
 * and the active rules: the back office creates it with its owner and puts a card on file; the
 * owner buys the seats (a suite as the suite) and adds the other users with their products. So the
 * seed is audited, and its seats and assignments reach billing as events like any other change.
 * Each account is opened in one transaction under its lock: all of it or nothing. Returns the ids
 * of the accounts opened.
 */
export async function openDemoAccounts(db: Database, rules: RuleSet): Promise<string[]> {
  const opened: string[] = [];
  for (const demo of DEMO_ACCOUNTS) {
    const created = await db
      .transaction(async (tx) => {
        await tx.readFirst({ accountId: demo.id });
        if (await tx.account(demo.id)) return false;
        await openDemoAccount(tx, rules, demo);
        return true;
      })
      // Another instance starting at the same moment may have opened it first: then it is there.
      .catch(async (error: unknown) => {
        if (await db.accounts.get(demo.id)) return false;
        throw error;
      });
    if (created) opened.push(demo.id);
  }
  return opened;
}

async function openDemoAccount(tx: LicenseBook, rules: RuleSet, demo: DemoAccount): Promise<void> {
  const [owner, ...others] = demo.users;
  if (!owner || owner.roles.join() !== FIRST_USER_ROLES[demo.style].join())
    throw new Error(`demo ${demo.id}: its first user is its owner, with the roles ${FIRST_USER_ROLES[demo.style]}`);
  const at = (minutes: number) => new Date(DEMO_EPOCH.getTime() + minutes * 60_000);
  /** The context of one step, who-may-act decided as the RPC's frame decides it. */
  const step = async (principal: Principal, point: DecisionPoint, now: Date, account?: AccountRecord) => {
    const current = account ?? (await tx.account(demo.id))!;
    await requireWhoMayAct(rules, point, principal, current);
    return { tx, account: current, principal, rules, now, requestId: SEED_REQUEST } satisfies UseCaseContext;
  };

  // The back office: the account with its owner, then the card.
  const planned: AccountRecord = {
    id: demo.id,
    name: demo.name,
    kind: demo.kind,
    style: demo.style,
    legacyPlan: false,
    cardOnFile: false,
    ownerUserId: null,
    offeringId: demo.offeringId,
    currency: 'USD',
    billingProfileId: null,
    createdAt: DEMO_EPOCH,
    suspended: false,
  };
  await createAccount(await step(DEMO_BACK_OFFICE, 'administer_account', DEMO_EPOCH, planned), {
    id: owner.id,
    email: owner.email,
    displayName: owner.displayName,
  });
  if (demo.cardOnFile)
    await setCardOnFile(await step(DEMO_BACK_OFFICE, 'administer_account', DEMO_EPOCH), `bp_${demo.id}`);

  // The owner: seats (the products of a suite that keeps one count, as the suite), then users.
  const ownerRecord = (await tx.user(demo.id, owner.id))!;
  const asOwner = principalOf(ownerRecord);
  const products = new Map((await tx.products(Object.keys(demo.seats))).map((p) => [p.id, p]));
  const bought = new Set<string>();
  for (const product of Object.keys(demo.seats).map((id) => products.get(id)!)) {
    if (bought.has(product.id)) continue;
    const suite = product.suiteId ? await tx.suite(product.suiteId) : null;
    const asSuite = suite?.parityRequired ? suite : null;
    const target = { productId: asSuite ? '' : product.id, suiteId: asSuite?.id ?? '' };
    for (const id of asSuite?.productIds ?? [product.id]) bought.add(id);
    const ctx = await step(asOwner, 'purchase_seats', DEMO_EPOCH);
    const pricing = await priceSeats(ctx, { ...target, quantity: demo.seats[product.id]! });
    await decidePurchase(ctx, pricing);
    await applyPurchase(ctx, pricing);
  }
  const grants = (products: string[]) => products.map((productId) => ({ productId, features: {} }));
  if (owner.products.length > 0) {
    const ctx = await step(asOwner, 'assign', at(owner.addedAfterMinutes));
    await assignLicenses(ctx, { userId: owner.id, products: grants(owner.products), notifyUser: false });
  }
  for (const user of others) {
    const ctx = await step(asOwner, 'create_user', at(user.addedAfterMinutes));
    await createUser(ctx, {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      roles: user.roles,
      permissions: user.permissions ?? [],
      products: grants(user.products),
      notifyUser: false,
    });
  }
  // As every RPC's frame does: seat usage the seed brought past a threshold is told once.
  await reportSeatThresholds(await step(asOwner, 'assign', DEMO_EPOCH));
}

const principalOf = (user: UserRecord): Principal => ({
  subject: user.id,
  kind: 'user',
  accountId: user.accountId,
  scopes: [],
  roles: user.roles,
  permissions: user.permissions,
  tokenId: null,
});
