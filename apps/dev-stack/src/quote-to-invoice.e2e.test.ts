/**
 * What the admin is shown is what is invoiced, over the socket with a fixed clock: the back office
 * creates the accounts, their buyers quote and check out, queue members come and go, and the
 * November invoice billing computes from the ledger equals the quotes' totals plus the
 * contact-center days (the worked example of libs/billing/README.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountKind, AccountStyle, LicensingService, QueueKind, QueueRole } from '@acme/contracts';
import { createClient } from '@acme/grpc';
import { previewInvoice } from '@acme/billing';
import { eventually } from '@acme/testing';
import { startTestStack, type TestStack } from '../test/test-stack.js';
import type { DevStack } from './dev-stack.js';

let clock = new Date('2026-11-21T10:00:00Z');
let demo: TestStack;
let stack: DevStack;
let sign: TestStack['sign'];
const NOVEMBER = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') };
const usd = (amountMinor: bigint) => ({ currencyCode: 'USD', amountMinor });

beforeAll(async () => {
  // No demo accounts: every account here is made by the back office.
  demo = await startTestStack('quote-invoice', { env: { SEED_DEMO: 'false' }, now: () => clock });
  ({ stack, sign } = demo);
});

afterAll(async () => {
  await demo?.stop();
});

/** A new account made by the back office, its buyer's client, and (GoTo) a card on file. */
async function newAccount(style: AccountStyle, offeringId: string) {
  const backOffice = createClient(LicensingService, stack.address, {
    token: await sign({ subject: 'svc:back-office', kind: 'service', scopes: ['accounts:write'] }),
  });
  const { account, owner } = await backOffice.createAccount({
    name: `Example ${offeringId}`,
    kind: AccountKind.SELF_SERVICE,
    style,
    currency: 'USD',
    offeringId,
    owner: { email: `buyer@${offeringId}.example`, displayName: 'Buyer' },
  });
  if (style === AccountStyle.GOTO) await backOffice.setCardOnFile({ accountId: account!.id, billingProfileId: 'bp_1' });
  backOffice.close();
  const buyer = createClient(LicensingService, stack.address, {
    token: await sign({ subject: owner!.id, accountId: account!.id }),
  });
  return { accountId: account!.id, buyer };
}

/** November's invoice from the account's ledger once `settled` (the last entry expected) holds. */
const invoiceOf = async (accountId: string, settled: (kinds: string[]) => boolean) => {
  let entries = await stack.billing.ledger.entries(accountId);
  await eventually(async () => settled((entries = await stack.billing.ledger.entries(accountId)).map((e) => e.kind)), {
    what: `the ledger of ${accountId}`,
  });
  return previewInvoice(entries, { accountId, ...NOVEMBER });
};

describe('the quote shown is the invoice billed', () => {
  it('a Zendesk suite bought through a quote on Nov 21 costs November exactly the quote', async () => {
    clock = new Date('2026-11-21T10:00:00Z');
    const { accountId, buyer } = await newAccount(AccountStyle.ZENDESK, 'zendesk_suites');
    const { quote } = await buyer.createQuote({ items: [{ suiteId: 'zendesk_support_suite', quantity: 2 }] });
    // Five products, 2 seats each, 10 of November's 30 days, each line rounded once:
    // Support 5500 -> 3667, Guide 1500 -> 1000, Chat 1400 -> 933, Talk 1900 -> 1267, Explore 900 -> 600.
    expect(quote!.total).toMatchObject(usd(7467n));
    expect(quote!.recurringTotal).toMatchObject(usd(2n * 11_200n));
    const { charged } = await buyer.checkoutQuote({ quoteId: quote!.id, expectedTotal: usd(7467n) });
    expect(charged).toMatchObject(usd(7467n));
    buyer.close();

    const invoice = await invoiceOf(accountId, (kinds) => kinds.length === 5);
    expect(invoice.totals).toEqual([{ currency: 'USD', amountMinor: 7467 }]);
    expect(invoice.warnings).toEqual([]);
  });

  it('a GoTo month: Connect through a quote, Contact Center billed per queue member from join to leave', async () => {
    clock = new Date('2026-11-21T10:00:00Z');
    const { accountId, buyer } = await newAccount(AccountStyle.GOTO, 'goto_business');
    const { quote } = await buyer.createQuote({
      items: [
        { productId: 'goto_connect_standard', quantity: 3 },
        { productId: 'goto_contact_center', quantity: 2 },
      ],
    });
    // Connect: 3 x 2700 x 10/30 = 2700. Contact Center seats charge nothing: billed per queue member.
    expect(quote!.lines.map((l) => [l.productId, l.proratedAmount?.amountMinor])).toEqual([
      ['goto_connect_standard', 2700n],
      ['goto_contact_center', 0n],
    ]);
    await buyer.checkoutQuote({ quoteId: quote!.id, expectedTotal: usd(2700n) });
    const { user } = await buyer.createUser({
      email: 'agent@goto.example',
      displayName: 'Agent',
      products: [{ productId: 'goto_connect_standard' }, { productId: 'goto_contact_center' }],
    });
    const { queue } = await buyer.createQueue({ kind: QueueKind.INBOUND, name: 'Support line' });
    await buyer.addQueueMember({ queueId: queue!.id, userId: user!.id, role: QueueRole.AGENT });
    // Nov 26 15:00: out of every queue. Billable at the end of Nov 21..25: 5 days x 7000/30 = 1166.67 -> 1167.
    clock = new Date('2026-11-26T15:00:00Z');
    await buyer.removeUserFromAllQueues({ userId: user!.id });
    buyer.close();

    const invoice = await invoiceOf(accountId, (kinds) => kinds.includes('cc_billing_stopped'));
    const lines = invoice.lines.map((l) => [l.kind, l.productId, l.charged, l.amountMinor]);
    expect(lines).toEqual([
      ['seats', 'goto_connect_standard', true, 2700],
      ['seats', 'goto_contact_center', false, 0],
      ['contact_center', 'goto_contact_center', true, 1167],
    ]);
    expect(invoice.totals).toEqual([{ currency: 'USD', amountMinor: 2700 + 1167 }]);
  });
});
