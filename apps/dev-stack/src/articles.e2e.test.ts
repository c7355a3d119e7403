/**
 * The articles' procedures replayed over the real socket, through the generated client:
 * a GoTo-style account (purchase rules, assignment with features, Connect removal with the
 * contact-center warning, queue cleanup, 7-day restore) and a Zendesk-style account (owner-only
 * purchase, suite parity, reduction downgrading the most recently added agents).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LicensingService, QueueKind, QueueRole } from '@acme/contracts';
import { createClient, decodeGrpcError, GrpcStatus, type PromiseClient } from '@acme/grpc';
import { startTestStack, type TestStack } from '../test/test-stack.js';
import type { DevStack } from './dev-stack.js';

type Client = PromiseClient<(typeof LicensingService)['method']>;
const DAY = 86_400_000;
let clock = new Date('2026-11-23T09:00:00Z');
let demo: TestStack;
let stack: DevStack;
let goto: Client;
let gotoAdmin: Client;
let zendeskOwner: Client;
let zendeskAdmin: Client;

beforeAll(async () => {
  demo = await startTestStack('articles', { now: () => clock });
  stack = demo.stack;
  const token = (subject: string, accountId: string) => demo.sign({ subject, accountId });
  goto = createClient(LicensingService, stack.address, { token: stack.token });
  zendeskOwner = createClient(LicensingService, stack.address, {
    token: await token('usr_demo_zendesk_owner', 'acct_demo_zendesk'),
  });
  // Admins by their user records, which the service reads: the super admin and the owner (an admin) appoint them.
  const gotoAdminId = (
    await goto.createUser({ email: 'adam@demo-goto.test', displayName: 'Adam Admin', roles: ['admin'] })
  ).user!.id;
  const zendeskAdminId = (
    await zendeskOwner.createUser({ email: 'zoe@demo-zendesk.test', displayName: 'Zoe Admin', roles: ['admin'] })
  ).user!.id;
  gotoAdmin = createClient(LicensingService, stack.address, { token: await token(gotoAdminId, 'acct_demo_goto') });
  zendeskAdmin = createClient(LicensingService, stack.address, {
    token: await token(zendeskAdminId, 'acct_demo_zendesk'),
  });
});

afterAll(async () => {
  for (const c of [goto, gotoAdmin, zendeskOwner, zendeskAdmin]) c?.close();
  await demo?.stop();
});

const refused = async (p: Promise<unknown>) =>
  decodeGrpcError(await p.then(() => ({})).catch((e: unknown) => e as never));

describe('GoTo Admin: add, assign and remove licenses', () => {
  it('adds licenses only as a super admin with a card, at the price shown', async () => {
    const asAdmin = await refused(
      gotoAdmin.purchaseSeats({
        productId: 'goto_connect_standard',
        quantity: 2,
        expectedUnitPrice: { currencyCode: 'USD', amountMinor: 2700n },
      }),
    );
    expect(asAdmin.code).toBe(GrpcStatus.PERMISSION_DENIED);
    const wrongPrice = await refused(
      goto.purchaseSeats({
        productId: 'goto_connect_standard',
        quantity: 2,
        expectedUnitPrice: { currencyCode: 'USD', amountMinor: 2500n },
      }),
    );
    expect(wrongPrice).toMatchObject({ code: GrpcStatus.FAILED_PRECONDITION, errorInfo: { reason: 'PRICE_MISMATCH' } });
    // Money as money: USD 25.00, not "2500 USD".
    expect(wrongPrice.message).toBe(
      "the price shown (USD 25.00 per seat) differs from this account's rate for product goto_connect_standard: " +
        'USD 27.00 per seat; contact support before buying',
    );
    const bought = await goto.purchaseSeats({
      productId: 'goto_connect_standard',
      quantity: 2,
      expectedUnitPrice: { currencyCode: 'USD', amountMinor: 2700n },
    });
    expect(bought.changes[0]).toMatchObject({ purchasedBefore: 10, purchasedAfter: 12 });
  });

  it('assigns Connect and Contact Center with feature toggles and a notification', async () => {
    const created = await goto.createUser({ email: 'dana@demo-goto.test', displayName: 'Dana Agent' });
    const assigned = await goto.assignLicenses({
      userId: created.user!.id,
      products: [
        { productId: 'goto_connect_standard', features: { call_recording: false } },
        { productId: 'goto_contact_center' },
      ],
      notifyUser: true,
    });
    expect(assigned.results.map((r) => r.productId)).toEqual(['goto_connect_standard', 'goto_contact_center']);
    expect(assigned.results[0]?.assignment?.features).toMatchObject({ call_recording: false, phone_number: true });
  });

  it('warns that Contact Center billing continues when Connect is removed from a queue member, then cleans up queues in one call', async () => {
    const [dana] = (await goto.listUsers({ pageSize: 100 })).users.filter((u) => u.email === 'dana@demo-goto.test');
    const queue = (await goto.createQueue({ kind: QueueKind.CALL, name: 'Front desk' })).queue!;
    const joined = await goto.addQueueMember({ queueId: queue.id, userId: dana!.id, role: QueueRole.AGENT });
    expect(joined.decision?.effects.map((e) => e.type)).toEqual(['billing_start']);

    const removal = await goto.unassignLicenses({ userId: dana!.id, productIds: ['goto_connect_standard'] });
    expect(removal.decision?.warnings.map((w) => w.ruleId)).toEqual([
      'contact-center.billing-continues-after-connect-removal',
    ]);
    expect(removal.decision?.effects.map((e) => e.type)).toEqual(['configuration_retained']);

    const cleared = await goto.removeUserFromAllQueues({ userId: dana!.id });
    expect(cleared.queueIds).toEqual([queue.id]);
    expect(cleared.decision?.effects.map((e) => e.type)).toEqual(['billing_stop']);
  });

  it('restores the phone configuration when Connect returns within 7 days', async () => {
    const [dana] = (await goto.listUsers({ pageSize: 100 })).users.filter((u) => u.email === 'dana@demo-goto.test');
    clock = new Date(clock.getTime() + 6 * DAY);
    const back = await goto.assignLicenses({ userId: dana!.id, products: [{ productId: 'goto_connect_standard' }] });
    expect(back.decision?.effects.map((e) => e.type)).toEqual(['configuration_restored']);
    expect(back.results[0]?.assignment?.features).toMatchObject({ call_recording: false });
  });
});

describe('offerings: an account buys what it is offered', () => {
  // Found by a user: a dry run of zendesk_support on the GoTo account answered OK and would charge 11,200.
  it("refuses another vendor's products on the GoTo account, for a purchase and for a request to sales", async () => {
    expect((await goto.getAccount({})).account?.offeringId).toBe('goto_business');
    const bought = await refused(
      goto.purchaseSeats({
        suiteId: 'zendesk_support_suite',
        quantity: 1,
        expectedUnitPrice: { currencyCode: 'USD', amountMinor: 11_200n },
        validateOnly: true,
      }),
    );
    expect(bought).toMatchObject({
      code: GrpcStatus.FAILED_PRECONDITION,
      errorInfo: { reason: 'NOT_OFFERED', metadata: { offering_id: 'goto_business' } },
    });
    const requested = await refused(gotoAdmin.requestSeatsFromSales({ productId: 'zendesk_support', quantity: 1 }));
    expect(requested).toMatchObject({ errorInfo: { reason: 'NOT_OFFERED' } });
    expect(requested.message).toBe('not offered to this account (its offering is goto_business): zendesk_support');
    const usage = await goto.getSeatUsage({});
    expect(usage.products.map((p) => p.productId)).not.toContain('zendesk_support');
  });
});

describe('dry runs (validate_only)', () => {
  // Found by a user: a dry-run assign answered with an assignment id that never existed.
  it('answer what they would create without an id that names nothing, and create nothing', async () => {
    const user = await goto.createUser({ email: 'dry@demo-goto.test', displayName: 'Dry Run', validateOnly: true });
    expect(user.user).toMatchObject({ id: '', email: 'dry@demo-goto.test' });
    const real = (await goto.createUser({ email: 'wet@demo-goto.test', displayName: 'Wet Run' })).user!;
    const assign = await goto.assignLicenses({
      userId: real.id,
      products: [{ productId: 'goto_meeting' }],
      validateOnly: true,
    });
    expect(assign.decision?.validateOnly).toBe(true);
    expect(assign.results[0]?.assignment).toMatchObject({ id: '', userId: real.id, productId: 'goto_meeting' });
    expect((await goto.listAssignments({ userId: real.id })).assignments).toEqual([]);
    const order = await gotoAdmin.requestSeatsFromSales({ productId: 'goto_meeting', quantity: 1, validateOnly: true });
    expect(order.order).toMatchObject({ id: '', productId: 'goto_meeting', quantity: 1 });
    const queue = await goto.createQueue({ kind: QueueKind.CALL, name: 'Dry queue', validateOnly: true });
    expect(queue.queue).toMatchObject({ id: '', name: 'Dry queue' });
    expect((await goto.listQueues({})).queues.map((q) => q.name)).not.toContain('Dry queue');
  });
});

describe('Zendesk: agent licenses', () => {
  it('only the owner buys seats; the Support Suite is bought as a suite, at the price of every product', async () => {
    const supportSuite = (amountMinor: bigint) => ({
      suiteId: 'zendesk_support_suite',
      quantity: 2,
      expectedUnitPrice: { currencyCode: 'USD', amountMinor },
    });
    const asAdmin = await refused(zendeskAdmin.purchaseSeats(supportSuite(11_200n)));
    expect(asAdmin.preconditionFailure?.violations.map((v) => v.type)).toEqual([
      'who-may-act.zendesk-purchase-owner-only',
    ]);
    // Found by a user: naming Support alone at its own price raised all five products and charged 22,400.
    const supportAlone = await refused(
      zendeskOwner.purchaseSeats({
        productId: 'zendesk_support',
        quantity: 2,
        expectedUnitPrice: { currencyCode: 'USD', amountMinor: 5500n },
      }),
    );
    expect(supportAlone.code).toBe(GrpcStatus.FAILED_PRECONDITION);
    expect(supportAlone.preconditionFailure?.violations).toMatchObject([
      {
        type: 'suite-parity.same-seat-count',
        description: expect.stringContaining(
          '(zendesk_chat, zendesk_explore, zendesk_guide, zendesk_support, zendesk_talk)',
        ),
      },
    ]);
    const shownSupportOnly = await refused(zendeskOwner.purchaseSeats(supportSuite(5500n)));
    expect(shownSupportOnly).toMatchObject({ errorInfo: { reason: 'PRICE_MISMATCH' } });
    expect(shownSupportOnly.message).toContain('USD 55.00 per seat');
    expect(shownSupportOnly.message).toContain('USD 112.00 per seat');
    const unchanged = await zendeskOwner.getSeatUsage({});
    expect(new Set(unchanged.products.map((p) => p.purchased))).toEqual(new Set([5]));

    const bought = await zendeskOwner.purchaseSeats(supportSuite(11_200n));
    expect(bought.changes).toHaveLength(5);
    expect(bought.charged).toMatchObject({ currencyCode: 'USD', amountMinor: 22_400n });
    expect(bought.lines.map((l) => [l.productId, l.amount?.amountMinor])).toEqual([
      ['zendesk_chat', 2_800n],
      ['zendesk_explore', 1_800n],
      ['zendesk_guide', 3_000n],
      ['zendesk_support', 11_000n],
      ['zendesk_talk', 3_800n],
    ]);
    const usage = await zendeskOwner.getSeatUsage({});
    expect(new Set(usage.products.map((p) => p.purchased))).toEqual(new Set([7]));
  });

  it('removing seats in use downgrades the most recently added agents; a dry run shows them first', async () => {
    const dry = await zendeskOwner.reduceSeats({
      suiteId: 'zendesk_support_suite',
      newTotal: 2,
      validateOnly: true,
    });
    expect(dry.downgradedUserIds).toEqual(['usr_demo_zendesk_agent3', 'usr_demo_zendesk_agent2']);
    const done = await zendeskOwner.reduceSeats({ suiteId: 'zendesk_support_suite', newTotal: 2 });
    expect(done.downgradedUserIds).toEqual(dry.downgradedUserIds);
    const holders = await zendeskOwner.listAssignments({ productId: 'zendesk_support' });
    expect(holders.assignments.map((a) => a.userId).sort()).toEqual([
      'usr_demo_zendesk_agent1',
      'usr_demo_zendesk_owner',
    ]);
  });
});
