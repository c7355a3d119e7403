/**
 * The commerce issue's findings, tried again as a user would: over the socket, with the generated
 * client, on the stack `npm start` runs (seeded demo accounts, billing fed in-process). Each test
 * failed on the code the findings were made against.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillingBasis, LicensingService } from '@acme/contracts';
import { createClient, decodeGrpcError, GrpcStatus } from '@acme/grpc';
import { previewInvoice } from '@acme/billing';
import { eventually } from '@acme/testing';
import { startTestStack, type TestStack } from '../test/test-stack.js';
import type { DevStack } from './dev-stack.js';

let demo: TestStack;
let stack: DevStack;
let zendeskOwner: string;
const usd = (amountMinor: bigint) => ({ currencyCode: 'USD', amountMinor });

beforeAll(async () => {
  demo = await startTestStack('commerce');
  stack = demo.stack;
  zendeskOwner = await demo.sign({ subject: 'usr_demo_zendesk_owner', accountId: 'acct_demo_zendesk' });
});

afterAll(async () => {
  await demo?.stop();
});

const client = (token = stack.token) => createClient(LicensingService, stack.address, { token });
const refusal = async (call: Promise<unknown>) => decodeGrpcError(await call.then(() => null).catch((e) => e));

describe('commerce findings over the socket', () => {
  it('1. naming one product of a parity suite is refused listing the suite; naming the suite buys it at its price', async () => {
    const owner = client(zendeskOwner);
    const part = await refusal(
      owner.purchaseSeats({ productId: 'zendesk_support', quantity: 2, expectedUnitPrice: usd(5500n) }),
    );
    expect(part).toMatchObject({ code: GrpcStatus.FAILED_PRECONDITION, errorInfo: { reason: 'POLICY_DENIED' } });
    expect(part.preconditionFailure?.violations.map((v) => v.type)).toEqual(['suite-parity.same-seat-count']);
    const suiteProducts = ['zendesk_chat', 'zendesk_explore', 'zendesk_guide', 'zendesk_support', 'zendesk_talk'];
    for (const product of suiteProducts)
      expect(part.preconditionFailure?.violations[0]?.description).toContain(product);

    const bought = await owner.purchaseSeats({
      suiteId: 'zendesk_support_suite',
      quantity: 2,
      expectedUnitPrice: usd(11_200n),
    });
    expect(bought.lines.map((l) => l.productId).sort()).toEqual(suiteProducts);
    expect(bought.charged).toMatchObject(usd(22_400n));
    owner.close();
  });

  it('2. an account cannot buy what its offering does not offer, not even in a dry run', async () => {
    const goto = client();
    const error = await refusal(
      goto.purchaseSeats({
        productId: 'zendesk_support',
        quantity: 1,
        expectedUnitPrice: usd(5500n),
        validateOnly: true,
      }),
    );
    expect(error).toMatchObject({ code: GrpcStatus.FAILED_PRECONDITION, errorInfo: { reason: 'NOT_OFFERED' } });
    goto.close();
  });

  it('3. Contact Center seats: the purchase, the event and the invoice say the same (billed per queue member)', async () => {
    const goto = client();
    const bought = await goto.purchaseSeats({
      productId: 'goto_contact_center',
      quantity: 2,
      expectedUnitPrice: usd(7000n),
    });
    goto.close();
    expect(bought.charged).toMatchObject(usd(0n));
    expect(bought.lines[0]).toMatchObject({ amount: usd(0n), billingBasis: BillingBasis.CONTACT_CENTER_MEMBER });
    await eventually(
      async () =>
        (await stack.billing.ledger.entries('acct_demo_goto')).some(
          (e) => e.kind === 'seats_added' && e.quantity === 2 && e.billingBasis === 'contact_center_member',
        ),
      { what: 'the Contact Center purchase in the ledger, with its basis' },
    );
    const entries = await stack.billing.ledger.entries('acct_demo_goto');
    const now = new Date();
    const invoice = previewInvoice(entries, {
      accountId: 'acct_demo_goto',
      from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
      to: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
    });
    const ccSeats = invoice.lines.filter((l) => l.kind === 'seats' && l.productId === 'goto_contact_center');
    expect(ccSeats.length).toBeGreaterThan(0);
    expect(ccSeats.every((l) => !l.charged && l.amountMinor === 0)).toBe(true);
  });

  it('6. money is printed as money; a dry run names no id that never exists', async () => {
    const goto = client();
    const mismatch = await refusal(
      goto.purchaseSeats({ productId: 'goto_meeting', quantity: 1, expectedUnitPrice: usd(1300n) }),
    );
    expect(mismatch.message).toContain('the price shown (USD 13.00 per seat)');
    expect(mismatch.message).toContain('USD 14.00 per seat');
    const dryRun = await goto.assignLicenses({
      userId: 'usr_demo_goto_manager',
      products: [{ productId: 'goto_contact_center' }],
      validateOnly: true,
    });
    expect(dryRun.results[0]?.assignment?.id).toBe('');
    goto.close();
  });
});
