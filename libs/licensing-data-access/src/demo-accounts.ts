/**
 * The demo accounts `npm start` opens (SEED_DEMO): a GoTo-style and a Zendesk-style account after
 * the seed articles, with stable ids so the README, the dev tokens and the tests can name them.
 * Data only: the licensing service opens them through its use cases (so they are audited and
 * billed like any account), and this library's tests write them as plain rows (test/demo-rows.ts).
 * The first user of each account is its owner, created with the account.
 */
export interface DemoUser {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
  permissions?: string[];
  products: string[];
  /** Minutes after the account's creation: gives "most recently added" a stable meaning. */
  addedAfterMinutes: number;
}

export interface DemoAccount {
  id: string;
  name: string;
  kind: 'self_service' | 'sales_managed';
  style: 'goto' | 'zendesk';
  /** What it may buy (an offering of the catalog file). */
  offeringId: string;
  cardOnFile: boolean;
  /** Seats per product; the products of a suite that keeps one seat count are bought as the suite. */
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

/** When the demo accounts were opened: their users join minutes after, so the seed is the same every time. */
export const DEMO_EPOCH = new Date('2026-01-05T09:00:00Z');

/** The demo accounts' ids, whether or not they exist yet. */
export const DEMO_ACCOUNT_IDS: readonly string[] = DEMO_ACCOUNTS.map((a) => a.id);
