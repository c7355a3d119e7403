import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  BillingPeriod,
  CheckoutQuoteRequestSchema,
  CheckoutQuoteResponseSchema,
  CreateQuoteRequestSchema,
  CreateQuoteResponseSchema,
  QuoteSchema,
  QuoteState,
  type LicensingService,
  type Quote,
} from '@acme/contracts';
import type { Principal } from '@acme/auth';
import type { ServiceHandlers } from '@acme/grpc';
import type { QuoteRecord } from '@acme/licensing-data-access';
import { money } from '../domain/price.js';
import { checkoutQuote } from '../use-cases/checkout-quote.js';
import { createQuote } from '../use-cases/create-quote.js';
import { createdId, decisionSummary, toBillingBasis } from './mappers.js';
import { runMutation, type MutationDeps } from './mutation-frame.js';
import { RequestProblems } from './validation.js';

type Handlers = ServiceHandlers<(typeof LicensingService)['method'], Principal>;

const MAX_ITEMS = 20;

const STATES: Record<QuoteRecord['state'], QuoteState> = {
  open: QuoteState.OPEN,
  checked_out: QuoteState.CHECKED_OUT,
  sent_to_sales: QuoteState.SENT_TO_SALES,
};

const toQuote = (q: QuoteRecord): Quote =>
  create(QuoteSchema, {
    id: q.id,
    accountId: q.accountId,
    items: q.items,
    lines: q.lines.map((l) => ({
      productId: l.productId,
      suiteId: l.suiteId,
      quantity: l.quantity,
      purchasedBefore: l.purchasedBefore,
      purchasedAfter: l.purchasedAfter,
      unitPrice: money(l.unitPriceMinor, l.currency),
      billingPeriod: l.billingPeriod === 'month' ? BillingPeriod.MONTH : BillingPeriod.YEAR,
      billingBasis: toBillingBasis(l.billingBasis),
      proratedAmount: money(l.proratedMinor, l.currency),
      recurringAmount: money(l.billingBasis === 'purchased_seats' ? l.unitPriceMinor * l.quantity : 0, l.currency),
      periodEnd: timestampFromDate(l.periodEnd),
    })),
    total: money(q.totalMinor, q.currency),
    recurringTotal: money(
      q.lines.reduce((sum, l) => sum + (l.billingBasis === 'purchased_seats' ? l.unitPriceMinor * l.quantity : 0), 0),
      q.currency,
    ),
    state: STATES[q.state],
    salesOrderIds: q.salesOrderIds,
    createTime: timestampFromDate(q.createdAt),
    expireTime: timestampFromDate(q.expiresAt),
  });

/** CreateQuote and CheckoutQuote: the cart the articles describe, reviewed, then finalised. */
export function createQuoteHandlers(deps: MutationDeps): Pick<Handlers, 'createQuote' | 'checkoutQuote'> {
  return {
    async createQuote(request, { principal, requestId }) {
      const problems = new RequestProblems();
      if (request.items.length === 0 || request.items.length > MAX_ITEMS)
        problems.add('items', `from 1 to ${MAX_ITEMS} items: a product or a suite, and a quantity`);
      request.items
        .slice(0, MAX_ITEMS)
        .forEach((item, i) =>
          problems
            .productOrSuite(item.productId, item.suiteId, `items[${i}].`)
            .seatQuantity(`items[${i}].quantity`, item.quantity),
        );
      const spec = {
        method: 'CreateQuote',
        requestSchema: CreateQuoteRequestSchema,
        responseSchema: CreateQuoteResponseSchema,
        request,
        principal,
        requestId,
        problems,
        authorizeAt: 'purchase_seats' as const,
        // Who may not buy but may ask sales gets the same cart, sent to sales.
        otherwiseAt: 'request_seats_from_sales' as const,
      };
      return runMutation(deps, spec, async (ctx) => {
        const items = request.items.map(({ productId, suiteId, quantity }) => ({ productId, suiteId, quantity }));
        const { quote, decision } = await createQuote(ctx, items);
        return create(CreateQuoteResponseSchema, {
          quote: createdId(toQuote(quote), request.validateOnly),
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },

    async checkoutQuote(request, { principal, requestId }) {
      const shown = request.expectedTotal;
      const problems = new RequestProblems()
        .id('quote_id', request.quoteId, 'qt')
        .shownMoney('expected_total', shown, "the quote's total as the buyer was shown it");
      const spec = {
        method: 'CheckoutQuote',
        requestSchema: CheckoutQuoteRequestSchema,
        responseSchema: CheckoutQuoteResponseSchema,
        request,
        principal,
        requestId,
        problems,
        authorizeAt: 'purchase_seats' as const,
      };
      return runMutation(deps, spec, async (ctx) => {
        const { quote, changes, charged, decision } = await checkoutQuote(ctx, {
          quoteId: request.quoteId,
          expectedTotal: shown!,
        });
        return create(CheckoutQuoteResponseSchema, {
          quote: toQuote(quote),
          changes,
          charged,
          decision: decisionSummary(decision, request.validateOnly),
        });
      });
    },
  };
}
