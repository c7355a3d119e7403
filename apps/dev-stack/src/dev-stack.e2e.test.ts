/**
 * End to end over the real socket: the dev stack as `npm start` runs it (libsql file, seeded
 * demo, development keys), called through the generated client, health and reflection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountKind, AccountStyle, LicensingService } from '@acme/contracts';
import { checkHealth, createClient, decodeGrpcError, GrpcStatus, listServicesByReflection } from '@acme/grpc';
import { previewInvoice } from '@acme/billing';
import { eventually } from '@acme/testing';
import { startTestStack, type TestStack } from '../test/test-stack.js';
import type { DevStack } from './dev-stack.js';

let demo: TestStack;
let stack: DevStack;

beforeAll(async () => {
  demo = await startTestStack('dev-stack');
  stack = demo.stack;
});

afterAll(async () => {
  await demo?.stop();
});

describe('dev stack over the socket', () => {
  it('prints the address, a token and an example call', () => {
    expect(stack.banner).toContain(`listening on ${stack.address}`);
    expect(stack.banner).toContain(`export TOKEN=${stack.token}`);
    expect(stack.banner).toContain('npm run call -- ListProducts');
  });

  it('answers the standard health check', async () => {
    expect(await checkHealth(stack.address)).toBe('SERVING');
    expect(await checkHealth(stack.address, 'acme.licensing.v1.LicensingService')).toBe('SERVING');
  });

  it('lists the licensing service through server reflection', async () => {
    expect(await listServicesByReflection(stack.address)).toEqual(
      expect.arrayContaining(['acme.licensing.v1.LicensingService', 'grpc.health.v1.Health']),
    );
  });

  it('serves the seeded catalog to the printed development token', async () => {
    const client = createClient(LicensingService, stack.address, { token: stack.token });
    const { products, suites } = await client.listProducts({});
    client.close();
    expect(products.map((p) => p.id)).toEqual(
      expect.arrayContaining(['goto_connect_standard', 'goto_contact_center', 'zendesk_support']),
    );
    expect(suites.length).toBeGreaterThan(0);
  });

  it("reports the demo account's seat usage, consistent with purchased minus assigned", async () => {
    const client = createClient(LicensingService, stack.address, { token: stack.token });
    const { products } = await client.getSeatUsage({});
    client.close();
    expect(products.length).toBeGreaterThan(0);
    for (const p of products) expect(p.available).toBe(p.purchased - p.assigned);
  });

  it("refuses another account's data and calls without a token", async () => {
    const client = createClient(LicensingService, stack.address, { token: stack.token });
    const foreign = decodeGrpcError(await client.getAccount({ accountId: 'acct_demo_zendesk' }).catch((e) => e));
    const anonymous = decodeGrpcError(await client.listProducts({}, { token: '' }).catch((e) => e));
    client.close();
    expect(foreign).toMatchObject({ code: GrpcStatus.PERMISSION_DENIED, errorInfo: { reason: 'PERMISSION_DENIED' } });
    expect(anonymous).toMatchObject({ code: GrpcStatus.UNAUTHENTICATED });
  });

  // Found by a user: a fresh `npm start` invoiced "No charges." for an account with 25 purchased seats.
  it('bills the seeded seats and assignments: the ledger starts from what licensing shows', async () => {
    const client = createClient(LicensingService, stack.address, { token: stack.token });
    const { products } = await client.getSeatUsage({});
    client.close();
    const purchased = Object.fromEntries(products.map((p) => [p.productId, p.purchased]));
    const assigned = products.reduce((sum, p) => sum + p.assigned, 0);
    const ledger = async () => {
      const entries = await stack.billing.ledger.entries('acct_demo_goto');
      const seats: Record<string, number> = {};
      for (const e of entries.filter((x) => x.kind === 'seats_added'))
        seats[e.productId] = (seats[e.productId] ?? 0) + e.quantity;
      return { seats, opened: entries.filter((x) => x.kind === 'seat_opened').length, entries };
    };
    await eventually(async () => (await ledger()).opened === assigned, { what: 'the opening balances in the ledger' });
    const { seats, opened, entries } = await ledger();
    expect(seats).toEqual(purchased);
    expect(opened).toBe(assigned);
    const invoice = previewInvoice(entries, {
      accountId: 'acct_demo_goto',
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-12-01T00:00:00Z'),
    });
    // 10 Connect at 27.00, 10 Meeting at 14.00. Contact Center is billed per queue member (the catalog's
    // basis for it), and nobody is queued: its 5 seats are listed, not charged.
    expect(invoice.totals).toEqual([{ currency: 'USD', amountMinor: 10 * 2700 + 10 * 1400 }]);
    expect(invoice.lines.find((l) => l.productId === 'goto_contact_center')).toMatchObject({
      kind: 'seats',
      charged: false,
      amountMinor: 0,
    });
  });

  it('assigns a license over the socket; usage follows; a denial lists every violated rule', async () => {
    const client = createClient(LicensingService, stack.address, { token: stack.token });
    const before = (await client.getSeatUsage({ productIds: ['goto_contact_center'] })).products[0]!;
    const response = await client.assignLicenses({
      userId: 'usr_demo_goto_manager',
      products: [{ productId: 'goto_contact_center' }],
    });
    expect(response.results[0]?.assignment?.id).toMatch(/^asg_/);
    expect(response.decision?.ruleSetVersion).toMatch(/^[0-9a-f]{16}$/);
    const after = (await client.getSeatUsage({ productIds: ['goto_contact_center'] })).products[0]!;
    expect(after.assigned).toBe(before.assigned + 1);

    const again = decodeGrpcError(
      await client
        .assignLicenses({ userId: 'usr_demo_goto_manager', products: [{ productId: 'goto_contact_center' }] })
        .catch((e) => e),
    );
    expect(again).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, errorInfo: { reason: 'INVALID_ARGUMENT' } });
    expect(again.badRequest?.fieldViolations[0]?.description).toContain('already holds goto_contact_center');

    const memberToken = await demo.sign({ subject: 'usr_demo_goto_agent', accountId: 'acct_demo_goto' });
    const denied = decodeGrpcError(
      await client
        .assignLicenses(
          { userId: 'usr_demo_goto_agent', products: [{ productId: 'goto_meeting' }] },
          { token: memberToken },
        )
        .catch((e) => e),
    );
    expect(denied).toMatchObject({ code: GrpcStatus.PERMISSION_DENIED, errorInfo: { reason: 'POLICY_DENIED' } });
    expect(denied.preconditionFailure?.violations.map((v) => v.type)).toEqual(['who-may-act.assign-and-unassign']);
    client.close();
  });

  // Found by a user: no RPC created or configured an account, so the card-on-file rule could not be exercised.
  it('the back office creates an account over the socket; its owner buys once a card is on file; billing follows', async () => {
    const sign = demo.sign;
    const backOffice = await sign({ subject: 'svc:back-office', kind: 'service', scopes: ['accounts:write'] });
    const client = createClient(LicensingService, stack.address, { token: backOffice });
    const { account, owner } = await client.createAccount({
      name: 'Nimbus Telecom',
      kind: AccountKind.SELF_SERVICE,
      style: AccountStyle.GOTO,
      currency: 'USD',
      offeringId: 'goto_business',
      owner: { email: 'ines@nimbus.example', displayName: 'Inés Duarte' },
      idempotencyKey: 'e2e-nimbus',
    });
    const accountId = account!.id;
    const ownerToken = await sign({ subject: owner!.id, accountId });
    const buy = () =>
      client.purchaseSeats(
        { productId: 'goto_meeting', quantity: 3, expectedUnitPrice: { currencyCode: 'USD', amountMinor: 1400n } },
        { token: ownerToken },
      );
    const noCard = decodeGrpcError(await buy().catch((e) => e));
    expect(noCard.preconditionFailure?.violations.map((v) => v.type)).toEqual([
      'who-may-act.goto-purchase-requires-super-admin-and-card',
    ]);
    await client.setCardOnFile({ accountId, billingProfileId: 'bp_nimbus_1' });
    expect((await buy()).charged).toMatchObject({ currencyCode: 'USD', amountMinor: 4200n });
    expect((await client.getAccount({ accountId }, { token: ownerToken })).account).toMatchObject({
      cardOnFile: true,
      billingProfileId: 'bp_nimbus_1',
      ownerUserId: owner!.id,
    });
    client.close();
    // The ledger learns of the account's seats through the same events as anything else.
    await eventually(
      async () => (await stack.billing.ledger.entries(accountId)).filter((e) => e.kind === 'seats_added').length === 1,
      { what: "the new account's purchase in the ledger" },
    );
  });
});
