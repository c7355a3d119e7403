import type { SqlEntityManager, AbstractSqlDriver } from '@mikro-orm/sql';
import { Account, Assignment, Offering, Product, Subscription, Suite, User } from './models/index.js';
import { offeringPrices, type CatalogFile } from './catalog-file.js';

type Em = SqlEntityManager<AbstractSqlDriver>;

/** Inserts or updates every suite, product and offering of the catalog file; safe to run at every start. */
export async function seedCatalog(em: Em, catalog: CatalogFile): Promise<void> {
  await em.transactional(async (tx) => {
    for (const suite of catalog.suites) await tx.upsert(Suite, suite);
    for (const { suiteId, ...product } of catalog.products) await tx.upsert(Product, { ...product, suite: suiteId });
    for (const offering of catalog.offerings)
      await tx.upsert(Offering, { id: offering.id, name: offering.name, prices: offeringPrices(catalog, offering) });
  });
}

interface DemoUser {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
  permissions?: string[];
  products: string[];
  /** Minutes after the account's creation: gives "most recently added" a stable meaning. */
  addedAfterMinutes: number;
}

interface DemoAccount {
  id: string;
  name: string;
  kind: 'self_service' | 'sales_managed';
  style: 'goto' | 'zendesk';
  /** What it may buy (an offering of the catalog file). */
  offeringId: string;
  cardOnFile: boolean;
  ownerUserId: string | null;
  seats: Record<string, number>;
  users: DemoUser[];
}

/** Stable ids so the README and tests can name them. */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    id: 'acct_demo_goto',
    name: 'Demo GoTo Co.',
    kind: 'self_service',
    style: 'goto',
    offeringId: 'goto_business',
    cardOnFile: true,
    ownerUserId: null,
    seats: { goto_connect_standard: 10, goto_contact_center: 5, goto_meeting: 10 },
    users: [
      {
        id: 'usr_demo_goto_admin',
        email: 'ada@demo-goto.test',
        displayName: 'Ada Admin',
        roles: ['super_admin'],
        products: ['goto_connect_standard', 'goto_meeting'],
        addedAfterMinutes: 0,
      },
      {
        id: 'usr_demo_goto_agent',
        email: 'bo@demo-goto.test',
        displayName: 'Bo Agent',
        roles: ['member'],
        products: ['goto_connect_standard', 'goto_contact_center'],
        addedAfterMinutes: 10,
      },
      {
        id: 'usr_demo_goto_manager',
        email: 'cy@demo-goto.test',
        displayName: 'Cy Manager',
        roles: ['member'],
        permissions: ['manage_users'],
        products: ['goto_meeting'],
        addedAfterMinutes: 20,
      },
    ],
  },
  {
    id: 'acct_demo_zendesk',
    name: 'Demo Zendesk Inc.',
    kind: 'self_service',
    style: 'zendesk',
    offeringId: 'zendesk_suites',
    cardOnFile: true,
    ownerUserId: 'usr_demo_zendesk_owner',
    seats: { zendesk_support: 5, zendesk_guide: 5, zendesk_chat: 5, zendesk_talk: 5, zendesk_explore: 5 },
    users: [
      {
        id: 'usr_demo_zendesk_owner',
        email: 'olga@demo-zendesk.test',
        displayName: 'Olga Owner',
        roles: ['owner', 'admin'],
        products: ['zendesk_support'],
        addedAfterMinutes: 0,
      },
      {
        id: 'usr_demo_zendesk_agent1',
        email: 'pia@demo-zendesk.test',
        displayName: 'Pia Agent',
        roles: ['member'],
        products: ['zendesk_support', 'zendesk_chat'],
        addedAfterMinutes: 10,
      },
      {
        id: 'usr_demo_zendesk_agent2',
        email: 'quinn@demo-zendesk.test',
        displayName: 'Quinn Agent',
        roles: ['member'],
        products: ['zendesk_support', 'zendesk_talk'],
        addedAfterMinutes: 20,
      },
      {
        id: 'usr_demo_zendesk_agent3',
        email: 'rui@demo-zendesk.test',
        displayName: 'Rui Agent',
        roles: ['member'],
        products: ['zendesk_support'],
        addedAfterMinutes: 30,
      },
    ],
  },
];

const DEMO_EPOCH = new Date('2026-01-05T09:00:00Z');

/** The demo accounts' ids, whether or not they exist yet. */
export const DEMO_ACCOUNT_IDS: readonly string[] = DEMO_ACCOUNTS.map((a) => a.id);

/**
 * Creates the demo accounts once (an account that exists is left alone, so a developer's changes
 * survive restarts) and returns the ids of those it created: their seats and assignments are rows
 * only, and reach billing when the caller records their opening balances. Subscriptions are
 * charged at the catalog price; assignedSeats equals the number of assignments, as everywhere.
 */
export async function seedDemo(em: Em): Promise<string[]> {
  const created: string[] = [];
  await em.transactional(async (tx) => {
    for (const demo of DEMO_ACCOUNTS) {
      if (await tx.findOne(Account, { id: demo.id })) continue;
      created.push(demo.id);
      tx.create(Account, {
        id: demo.id,
        name: demo.name,
        kind: demo.kind,
        style: demo.style,
        offeringId: demo.offeringId,
        legacyPlan: false,
        cardOnFile: demo.cardOnFile,
        ownerUserId: demo.ownerUserId,
        createdAt: DEMO_EPOCH,
      });
      const prices = new Map((await tx.find(Product, { id: Object.keys(demo.seats) })).map((p) => [p.id, p]));
      for (const [productId, seats] of Object.entries(demo.seats)) {
        const product = prices.get(productId);
        if (!product) throw new Error(`demo seed: product ${productId} is not in the catalog`);
        const assigned = demo.users.filter((u) => u.products.includes(productId)).length;
        tx.create(Subscription, {
          id: `sub_${demo.id.slice(5)}_${productId}`,
          account: demo.id,
          product: productId,
          purchasedSeats: seats,
          assignedSeats: assigned,
          unitPriceMinor: product.unitPriceMinor,
          currency: product.currency,
        });
      }
      for (const user of demo.users) {
        const createdAt = new Date(DEMO_EPOCH.getTime() + user.addedAfterMinutes * 60_000);
        tx.create(User, {
          id: user.id,
          account: demo.id,
          email: user.email,
          displayName: user.displayName,
          roles: user.roles,
          permissions: user.permissions ?? [],
          createdAt,
        });
        for (const productId of user.products) {
          tx.create(Assignment, {
            id: `asg_${user.id.slice(4)}_${productId}`,
            account: demo.id,
            user: user.id,
            product: productId,
            features: {},
            createdAt,
          });
        }
      }
    }
  });
  return created;
}
