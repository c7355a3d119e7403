/**
 * The billing API over the socket, beside the licensing service and the consumer: a GoTo
 * contact-center month made through licensing (assign, queue, Connect removal, remove from all
 * queues) is explained line by line, each interval's opening and closing event carrying the
 * request id that keys the licensing audit, and back; the invoice over gRPC is the one the CLI
 * computes; and no caller reads an account it may not.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { AccountKind, AccountStyle, billing, LicensingService, QueueKind, QueueRole } from '@acme/contracts';
import { createClient, decodeGrpcError, GrpcStatus } from '@acme/grpc';
import {
  licensingAdminCheck,
  loadBillingApiConfig,
  previewInvoice,
  startBillingApi,
  type RunningBillingApi,
} from '@acme/billing';
import { eventually } from '@acme/testing';
import { startTestStack, type TestStack } from '../test/test-stack.js';

const execFileAsync = promisify(execFile);
/** The buf CLI of the workspace (the `@bufbuild/buf` dev dependency). */
const BUF = fileURLToPath(new URL('../../../node_modules/.bin/buf', import.meta.url));
let clock = new Date('2026-11-02T10:00:00Z');
let demo: TestStack;
let api: RunningBillingApi;
let admins: ReturnType<typeof licensingAdminCheck>;
const NOVEMBER = {
  periodStart: timestampFromDate(new Date('2026-11-01T00:00:00Z')),
  periodEnd: timestampFromDate(new Date('2026-12-01T00:00:00Z')),
};
const CC = 'goto_contact_center';
const CONNECT = 'goto_connect_standard';

beforeAll(async () => {
  demo = await startTestStack('billing-api', { env: { SEED_DEMO: 'false' }, now: () => clock });
  admins = licensingAdminCheck(demo.stack.address);
  api = await startBillingApi({
    config: loadBillingApiConfig({ BILLING_API_PORT: '0', LOG_LEVEL: 'silent' }),
    logger: pino({ level: 'silent' }),
    jwks: demo.publicJwks,
    isAdmin: admins.check,
    ledger: demo.stack.billing.ledger,
  });
});

afterAll(async () => {
  await api?.stop();
  admins?.close();
  await demo?.stop();
});

/** A GoTo account made by the back office with a card on file, and its owner's token. */
async function gotoAccount(name: string) {
  const backOffice = createClient(LicensingService, demo.stack.address, {
    token: await demo.sign({ subject: 'svc:back-office', kind: 'service', scopes: ['accounts:write'] }),
  });
  const { account, owner } = await backOffice.createAccount({
    name,
    kind: AccountKind.SELF_SERVICE,
    style: AccountStyle.GOTO,
    currency: 'USD',
    offeringId: 'goto_business',
    owner: { email: `owner@${name}.example`, displayName: 'Owner' },
  });
  await backOffice.setCardOnFile({ accountId: account!.id, billingProfileId: 'bp_1' });
  backOffice.close();
  return {
    accountId: account!.id,
    ownerId: owner!.id,
    token: await demo.sign({ subject: owner!.id, accountId: account!.id }),
  };
}

const billingAs = (token: string) => createClient(billing.BillingService, api.address, { token });
/** Calls with a request id of the test's choosing, so the audit and the ledger can be matched on it. */
const as = (requestId: string) => ({ metadata: { 'x-request-id': requestId } });

describe('billing API', () => {
  let goto: Awaited<ReturnType<typeof gotoAccount>>;
  let agentId: string;
  let memberToken: string;

  beforeAll(async () => {
    goto = await gotoAccount('cc-month');
    const owner = createClient(LicensingService, demo.stack.address, { token: goto.token });
    clock = new Date('2026-11-02T10:00:00Z');
    const { quote } = await owner.createQuote({
      items: [
        { productId: CONNECT, quantity: 3 },
        { productId: CC, quantity: 2 },
      ],
    });
    await owner.checkoutQuote({ quoteId: quote!.id, expectedTotal: quote!.total! }, as('req-checkout'));
    const { user } = await owner.createUser(
      { email: 'agent@cc-month.example', displayName: 'Agent', products: [{ productId: CONNECT }, { productId: CC }] },
      as('req-create-agent'),
    );
    agentId = user!.id;
    const { user: member } = await owner.createUser({
      email: 'member@cc-month.example',
      displayName: 'Member',
      roles: ['member'],
    });
    memberToken = await demo.sign({ subject: member!.id, accountId: goto.accountId });
    const { queue } = await owner.createQueue({ kind: QueueKind.INBOUND, name: 'Support line' });
    clock = new Date('2026-11-03T11:00:00Z');
    await owner.addQueueMember({ queueId: queue!.id, userId: agentId, role: QueueRole.AGENT }, as('req-join-queue'));
    // Connect Standard removed: Contact Center billing goes on (the GoTo rule).
    clock = new Date('2026-11-10T09:00:00Z');
    await owner.unassignLicenses({ userId: agentId, productIds: [CONNECT] }, as('req-remove-connect'));
    clock = new Date('2026-11-20T16:00:00Z');
    await owner.removeUserFromAllQueues({ userId: agentId }, as('req-remove-all-queues'));
    owner.close();
    await eventually(
      async () =>
        (await demo.stack.billing.ledger.entries(goto.accountId)).some((e) => e.kind === 'cc_billing_stopped'),
      { what: 'the queue removal in the ledger' },
    );
  });

  it('explains the contact-center charge line by line, each interval naming the requests the audit has', async () => {
    const client = billingAs(goto.token);
    const explained = await client.explainCharge({
      accountId: goto.accountId,
      userId: agentId,
      productId: CC,
      ...NOVEMBER,
    });
    const invoice = await client.getInvoicePreview({ accountId: goto.accountId, ...NOVEMBER });
    client.close();
    expect(explained.basis).toBe('contact_center_member');
    // Billable at the end of Nov 3..19: 17 days x 7000/30 = 3966.67 -> 3967, the invoice's own line.
    expect(explained.lines.map((l) => [l.quantityDays, l.amount?.amountMinor])).toEqual([[17, 3967n]]);
    expect(explained.lines).toEqual(invoice.lines.filter((l) => l.kind === 'contact_center' && l.userId === agentId));
    const cc = explained.intervals.find((i) => i.kind === 'contact_center')!;
    expect(timestampDate(cc.start!).toISOString()).toBe('2026-11-03T11:00:00.000Z');
    expect(timestampDate(cc.end!).toISOString()).toBe('2026-11-20T16:00:00.000Z');
    expect(cc.daysInPeriod).toBe(17);
    expect(cc.openedBy).toMatchObject({
      eventType: 'contact_center.billing_started',
      causationId: 'req-join-queue',
      actorSubject: goto.ownerId,
      actorKind: 'user',
    });
    expect(cc.openedBy!.ruleIds.length).toBeGreaterThan(0);
    expect(cc.closedBy).toMatchObject({
      eventType: 'contact_center.billing_stopped',
      causationId: 'req-remove-all-queues',
    });
    // The seats behind it: the Contact Center license held all month since its assignment.
    const seat = explained.intervals.find((i) => i.kind === 'seat')!;
    expect(seat.openedBy).toMatchObject({ eventType: 'license.assigned', causationId: 'req-create-agent' });

    // The licensing audit has each of those requests, and from each request the ledger finds its entries.
    const licensing = createClient(LicensingService, demo.stack.address, { token: goto.token });
    const ledger = billingAs(goto.token);
    for (const event of [cc.openedBy!, cc.closedBy!]) {
      const audit = await licensing.listAuditEvents({ causationId: event.causationId });
      expect(audit.events.length, event.causationId).toBeGreaterThan(0);
      expect(audit.events.every((e) => e.causationId === event.causationId && e.actor === event.actorSubject)).toBe(
        true,
      );
      const { entries } = await ledger.listLedgerEntries({ causationId: event.causationId });
      expect(entries.map((e) => e.event?.eventId)).toContain(event.eventId);
    }
    licensing.close();
    ledger.close();
  });

  it('answers the invoice the CLI computes from the same ledger, to the cent, with the position it reflects', async () => {
    const client = billingAs(goto.token);
    const invoice = await client.getInvoicePreview({ accountId: goto.accountId, ...NOVEMBER });
    const users = await client.listBillableUsers({ accountId: goto.accountId, ...NOVEMBER });
    client.close();
    const entries = await demo.stack.billing.ledger.entries(goto.accountId);
    const expected = previewInvoice(entries, {
      accountId: goto.accountId,
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-12-01T00:00:00Z'),
    });
    expect(invoice.totals.map((t) => [t.currencyCode, Number(t.amountMinor)])).toEqual(
      expected.totals.map((t) => [t.currency, t.amountMinor]),
    );
    expect(
      invoice.lines.map((l) => [l.kind, l.productId, l.userId, Number(l.amount!.amountMinor), l.quantityDays]),
    ).toEqual(expected.lines.map((l) => [l.kind, l.productId, l.userId ?? '', l.amountMinor, l.quantityDays]));
    const position = await demo.stack.billing.ledger.position(goto.accountId);
    expect(invoice.position).toMatchObject({
      completeThroughSequence: BigInt(position.completeThrough),
      lastSequence: BigInt(position.lastSequence),
    });
    expect(invoice.position!.completeThroughSequence).toBe(invoice.position!.lastSequence);
    const agent = users.users.find((u) => u.userId === agentId)!;
    expect(agent.products.map((p) => [p.productId, p.basis, p.days, Number(p.amount?.amountMinor ?? 0)])).toEqual([
      [CONNECT, 'purchased_seats', 8, 0],
      [CC, 'contact_center_member', 17, 3967],
    ]);
  });

  it('refuses every call of a caller who may not read the account, before reading anything', async () => {
    const other = await gotoAccount('other-month');
    const calls = (client: ReturnType<typeof billingAs>, accountId: string) => [
      client.getInvoicePreview({ accountId, ...NOVEMBER }),
      client.listLedgerEntries({ accountId }),
      client.listBillableUsers({ accountId, ...NOVEMBER }),
      client.explainCharge({ accountId, userId: agentId, productId: CC, ...NOVEMBER }),
    ];
    const refusals = async (token: string, accountId: string) => {
      const client = token ? billingAs(token) : createClient(billing.BillingService, api.address);
      const results = await Promise.allSettled(calls(client, accountId));
      client.close();
      return results.map((r) => {
        if (r.status === 'fulfilled') return 'answered';
        const status = decodeGrpcError(r.reason as never);
        return `${GrpcStatus[status.code]} ${status.errorInfo?.reason ?? ''}`.trim();
      });
    };
    const everyCall = (outcome: string) => Array.from({ length: 4 }, () => outcome);
    expect(await refusals(other.token, goto.accountId)).toEqual(everyCall('PERMISSION_DENIED PERMISSION_DENIED'));
    expect(await refusals(memberToken, goto.accountId)).toEqual(everyCall('PERMISSION_DENIED ADMIN_REQUIRED'));
    const noScope = await demo.sign({ subject: 'svc:finance', kind: 'service', scopes: ['licenses:read'] });
    expect(await refusals(noScope, goto.accountId)).toEqual(everyCall('PERMISSION_DENIED SCOPE_REQUIRED'));
    expect(await refusals('', goto.accountId)).toEqual(everyCall('UNAUTHENTICATED UNAUTHENTICATED'));
    // A finance service with billing:read reads any account it names; the owner reads their own.
    const finance = await demo.sign({ subject: 'svc:finance', kind: 'service', scopes: ['billing:read'] });
    expect(await refusals(finance, goto.accountId)).toEqual(everyCall('answered'));
    expect(await refusals(other.token, other.accountId)).toEqual(everyCall('answered'));
  });

  it('serves its schema and health to a standard client (buf curl, through reflection)', async () => {
    const curl = (...args: string[]) =>
      execFileAsync(BUF, ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', ...args], { timeout: 60_000 });
    const listed = await curl('--list-methods', `http://${api.address}`);
    expect(listed.stdout).toContain('acme.billing.v1.BillingService/ExplainCharge');
    expect(
      JSON.parse((await curl('--data', '{}', `http://${api.address}/grpc.health.v1.Health/Check`)).stdout),
    ).toEqual({
      status: 'SERVING',
    });
    const preview = await curl(
      '--header',
      `authorization: Bearer ${goto.token}`,
      '--data',
      JSON.stringify({ periodStart: '2026-11-01T00:00:00Z', periodEnd: '2026-12-01T00:00:00Z' }),
      `http://${api.address}/acme.billing.v1.BillingService/GetInvoicePreview`,
    );
    expect((JSON.parse(preview.stdout) as { totals: unknown[] }).totals).toHaveLength(1);
  });

  it('pages through the ledger in order, and refuses a page token it did not make', async () => {
    const client = billingAs(goto.token);
    const all = await client.listLedgerEntries({ pageSize: 500 });
    const paged: string[] = [];
    let pageToken = '';
    do {
      const page = await client.listLedgerEntries({ pageSize: 2, pageToken });
      paged.push(...page.entries.map((e) => e.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(paged).toEqual(all.entries.map((e) => e.id));
    expect(paged.length).toBeGreaterThan(4);
    for (const forged of [
      'not-a-token',
      Buffer.from('{"effectiveAt":"x","sequence":1,"id":"a"}').toString('base64url'),
      Buffer.from('{"effectiveAt":"2026-11-01T00:00:00Z","sequence":1,"id":"v1:\\u0000:0"}').toString('base64url'),
    ]) {
      const refused = await client
        .listLedgerEntries({ pageToken: forged })
        .catch((e: unknown) => decodeGrpcError(e as never));
      expect(refused).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });
    }
    client.close();
  });

  it('refuses text holding U+0000 in any field, naming it, as the licensing service does', async () => {
    const client = billingAs(goto.token);
    const refused = await client
      .explainCharge({ userId: 'usr\u0000', productId: CC, ...NOVEMBER })
      .catch((e: unknown) => decodeGrpcError(e as never));
    client.close();
    expect(refused).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });
    expect((refused as ReturnType<typeof decodeGrpcError>).badRequest?.fieldViolations.map((v) => v.field)).toEqual([
      'user_id',
    ]);
  });

  it('refuses a period that is not whole UTC days, naming each field', async () => {
    const client = billingAs(goto.token);
    const error = await client
      .getInvoicePreview({ periodStart: timestampFromDate(new Date('2026-11-01T10:00:00Z')) })
      .catch((e: unknown) => decodeGrpcError(e as never));
    client.close();
    expect(error).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT });
    expect((error as ReturnType<typeof decodeGrpcError>).badRequest?.fieldViolations.map((v) => v.field)).toEqual([
      'period_start',
      'period_end',
    ]);
  });
});
