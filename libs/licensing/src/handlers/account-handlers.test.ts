/**
 * Accounts as the back office makes them (finding 5 of the commerce issue: no account could be
 * created, the card-on-file rule could not be exercised), on libsql and PostgreSQL.
 */
import { create, fromBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccountKind,
  AccountStyle,
  CreateAccountRequestSchema,
  ListAccountsRequestSchema,
  PurchaseSeatsRequestSchema,
  SetCardOnFileRequestSchema,
  UpdateAccountRequestSchema,
  events,
} from '@acme/contracts';
import type { Database } from '@acme/licensing-data-access';
import { loadRuleSet } from '@acme/rules';
import {
  backOfficeCaller,
  callContext,
  caller,
  DRIVERS,
  openSeededDatabase,
  refusal,
} from '../../test/handler-harness.js';
import { createAccountHandlers } from './account-handlers.js';
import { createSeatHandlers } from './seat-handlers.js';

const rules = await loadRuleSet();
const NOW = new Date('2026-12-07T10:00:00Z');
const backOffice = backOfficeCaller();

const newAccount = (
  overrides: {
    name?: string;
    currency?: string;
    offeringId?: string;
    idempotencyKey?: string;
    validateOnly?: boolean;
  } = {},
) =>
  create(CreateAccountRequestSchema, {
    name: 'Nimbus Telecom',
    kind: AccountKind.SELF_SERVICE,
    style: AccountStyle.GOTO,
    currency: 'USD',
    offeringId: 'goto_business',
    owner: { email: ' Ines@Nimbus.example ', displayName: 'Inés Duarte' },
    ...overrides,
  });

describe.each(DRIVERS)('account handlers on %s', (driver, skip) => {
  let db: Database;
  let cleanup = async () => {};
  let accounts: ReturnType<typeof createAccountHandlers>;
  let seats: ReturnType<typeof createSeatHandlers>;
  const lastEvent = async (accountId: string) =>
    fromBinary(events.EventEnvelopeSchema, (await db.outbox.list(accountId)).at(-1)!.payload);

  beforeAll(async () => {
    if (skip) return;
    ({ db, cleanup } = await openSeededDatabase(driver, 'accounts'));
    const deps = { db, rules: () => rules, now: () => NOW };
    accounts = createAccountHandlers(deps, db);
    seats = createSeatHandlers(deps);
  });
  afterAll(async () => {
    if (!skip) await cleanup();
  });

  it.skipIf(skip)('creates an account with its first user, audited, with its first event', async () => {
    const { account, owner, decision } = await accounts.createAccount(newAccount(), callContext(backOffice));
    expect(decision?.ruleSetVersion).toMatch(/^[0-9a-f]{16}$/);
    expect(account).toMatchObject({
      id: expect.stringMatching(/^acct_/),
      name: 'Nimbus Telecom',
      kind: AccountKind.SELF_SERVICE,
      style: AccountStyle.GOTO,
      currency: 'USD',
      offeringId: 'goto_business',
      cardOnFile: false,
      ownerUserId: owner!.id!,
    });
    // The GoTo style's buyer is a super admin.
    expect(owner).toMatchObject({ email: 'ines@nimbus.example', displayName: 'Inés Duarte', roles: ['super_admin'] });
    const audit = await db.audit.list(account!.id!);
    expect(audit.events.map((e) => e.action).sort()).toEqual(['account.created', 'user.created']);
    const event = await lastEvent(account!.id!);
    expect(event).toMatchObject({ sequence: 1n, eventType: 'account.created', actor: { subject: 'svc:back-office' } });
    expect(event.payload.case === 'accountCreated' && event.payload.value.ownerUserId).toBe(owner!.id!);
  });

  it.skipIf(skip)('a retry with the same idempotency key answers the first account and creates no second', async () => {
    const request = newAccount({ name: 'Retry Co.', idempotencyKey: 'create-retry-co' });
    const first = await accounts.createAccount(request, callContext(backOffice));
    const again = await accounts.createAccount(request, callContext(backOffice));
    expect(again.account?.id).toBe(first.account?.id);
    expect(again.owner?.id).toBe(first.owner?.id);
    const reused = await refusal(
      accounts.createAccount(
        newAccount({ name: 'Other Co.', idempotencyKey: 'create-retry-co' }),
        callContext(backOffice),
      ),
    );
    expect(reused.reason).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it.skipIf(skip)('a dry run checks everything and creates nothing', async () => {
    const before = (await db.accounts.list({ pageSize: 500 })).accounts.length;
    const { account, owner } = await accounts.createAccount(
      newAccount({ validateOnly: true }),
      callContext(backOffice),
    );
    expect([account?.id, owner?.id]).toEqual(['', '']);
    expect((await db.accounts.list({ pageSize: 500 })).accounts).toHaveLength(before);
  });

  it.skipIf(skip)('only a back-office service with accounts:write administers accounts', async () => {
    const superAdmin = await refusal(accounts.createAccount(newAccount(), callContext(caller())));
    expect(superAdmin.reason).toBe('PERMISSION_DENIED');
    const withoutScope = await refusal(
      accounts.createAccount(newAccount(), callContext({ ...backOffice, scopes: ['licenses:write'] })),
    );
    expect(withoutScope.ruleViolations.map((v) => v.type)).toEqual(['who-may-act.account-administration-needs-scope']);
    const update = await refusal(
      accounts.updateAccount(
        create(UpdateAccountRequestSchema, { accountId: 'acct_demo_goto', legacyPlan: true }),
        callContext(caller()),
      ),
    );
    expect(update.ruleViolations.map((v) => v.type)).toEqual(['who-may-act.account-administration-needs-scope']);
    const list = await refusal(accounts.listAccounts(create(ListAccountsRequestSchema, {}), callContext(caller())));
    expect(list.reason).toBe('PERMISSION_DENIED');
  });

  it.skipIf(skip)('refuses an unknown offering, and one priced in another currency, naming the field', async () => {
    const unknown = await refusal(
      accounts.createAccount(newAccount({ offeringId: 'platinum' }), callContext(backOffice)),
    );
    expect(unknown.fieldViolations).toEqual([
      { field: 'offering_id', description: 'platinum is not an offering of the catalog' },
    ]);
    const euro = await refusal(accounts.createAccount(newAccount({ currency: 'EUR' }), callContext(backOffice)));
    expect(euro.fieldViolations[0]?.description).toBe(
      "goto_business has rates in USD, not in the account's currency EUR",
    );
  });

  it.skipIf(skip)(
    'the card-on-file rule over the account it guards: refused without a card, bought with one',
    async () => {
      const { account, owner } = await accounts.createAccount(
        newAccount({ name: 'Card Co.' }),
        callContext(backOffice),
      );
      const ownerCaller = caller({ subject: owner!.id!, accountId: account!.id!, roles: ['super_admin'] });
      const buy = () =>
        seats.purchaseSeats(
          create(PurchaseSeatsRequestSchema, {
            productId: 'goto_meeting',
            quantity: 2,
            expectedUnitPrice: { currencyCode: 'USD', amountMinor: 1400n },
          }),
          callContext(ownerCaller),
        );
      const noCard = await refusal(buy());
      expect(noCard.ruleViolations.map((v) => v.type)).toEqual([
        'who-may-act.goto-purchase-requires-super-admin-and-card',
      ]);

      const card = (billingProfileId: string) =>
        accounts.setCardOnFile(
          create(SetCardOnFileRequestSchema, { accountId: account!.id!, billingProfileId }),
          callContext(backOffice),
        );
      const cardNumber = await refusal(card('4111 1111 1111 1111'));
      expect(cardNumber.fieldViolations[0]?.description).toContain('looks like a card number');
      expect((await card('bp_8Hk2')).account).toMatchObject({ cardOnFile: true, billingProfileId: 'bp_8Hk2' });
      expect((await buy()).charged).toMatchObject({ currencyCode: 'USD', amountMinor: 2800n });

      expect((await card('')).account).toMatchObject({ cardOnFile: false, billingProfileId: '' });
      await refusal(buy());
      const audit = await db.audit.list(account!.id!, { resourceId: account!.id! });
      expect(audit.events.filter((e) => e.action === 'account.card_on_file_changed').map((e) => e.after)).toEqual(
        expect.arrayContaining([
          { cardOnFile: true, billingProfileId: 'bp_8Hk2' },
          { cardOnFile: false, billingProfileId: '' },
        ]),
      );
    },
  );

  it.skipIf(skip)('updates only the fields set, audited before and after, and refuses an empty change', async () => {
    const { account } = await accounts.createAccount(newAccount({ name: 'Grow Co.' }), callContext(backOffice));
    const { account: after } = await accounts.updateAccount(
      create(UpdateAccountRequestSchema, { accountId: account!.id!, kind: AccountKind.SALES_MANAGED, name: 'Grow AG' }),
      callContext(backOffice),
    );
    expect(after).toMatchObject({ name: 'Grow AG', kind: AccountKind.SALES_MANAGED, offeringId: 'goto_business' });
    expect((await db.accounts.get(account!.id!))?.kind).toBe('sales_managed');
    const event = await lastEvent(account!.id!);
    expect(event.payload.case === 'accountUpdated' && event.payload.value).toMatchObject({
      name: 'Grow AG',
      kind: 'sales_managed',
      legacyPlan: false,
    });
    const nothing = await refusal(
      accounts.updateAccount(create(UpdateAccountRequestSchema, { accountId: account!.id! }), callContext(backOffice)),
    );
    expect(nothing.fieldViolations[0]?.description).toContain('nothing to change');
  });

  it.skipIf(skip)('lists every account a page at a time', async () => {
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await accounts.listAccounts(
        create(ListAccountsRequestSchema, { pageSize: 2, pageToken }),
        callContext(backOffice),
      );
      const listed = page.accounts ?? [];
      expect(listed.length).toBeLessThanOrEqual(2);
      seen.push(...listed.map((a) => a.id ?? ''));
      pageToken = page.nextPageToken ?? '';
    } while (pageToken);
    expect(seen).toEqual([...seen].sort());
    expect(seen).toEqual(expect.arrayContaining(['acct_demo_goto', 'acct_demo_zendesk']));
    expect(seen.length).toBeGreaterThanOrEqual(6);
  });
});
