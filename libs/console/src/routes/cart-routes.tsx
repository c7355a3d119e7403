/* @jsxRuntime automatic */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccountStyle, QuoteState, Vendor, type QuoteItem } from '@acme/contracts';
import { intlOf, translator } from '../i18n/index.js';
import { CartPage, type CartReview } from '../pages/cart.js';
import { formatMoney } from '../pages/money.js';
import type { Session } from '../sessions.js';
import { formOf, textOf, type ConsoleContext, type Shown } from './context.js';

type Item = Pick<QuoteItem, 'productId' | 'suiteId' | 'quantity'>;

/** The cart's lines from its form (`qty:product:<id>`, `qty:suite:<id>`), or from a review's hidden field. */
function itemsOf(body: Record<string, unknown>): Item[] {
  if (typeof body.items === 'string') {
    try {
      return (JSON.parse(body.items) as Item[]).filter((i) => Number.isInteger(i.quantity) && i.quantity > 0);
    } catch {
      return [];
    }
  }
  return Object.entries(body)
    .filter(([key, value]) => key.startsWith('qty:') && Number(value) > 0)
    .map(([key, value]) => {
      const [, kind, id = ''] = key.split(':');
      return { productId: kind === 'product' ? id : '', suiteId: kind === 'suite' ? id : '', quantity: Number(value) };
    });
}

/** Add licenses: priced by the service as a dry run first; bought, or sent to sales, only when confirmed. */
export function registerCartRoutes(ctx: ConsoleContext): void {
  const { app, licensing, posted } = ctx;

  const cartPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    session: Session,
    shown: Shown & { review?: CartReview } = {},
  ) => {
    const call = { token: session.token };
    const [catalog, account] = await Promise.all([licensing.listProducts({}, call), licensing.getAccount({}, call)]);
    // An account buys its own vendor's products (the offering's rates are the service's business).
    const vendor = account.account?.style === AccountStyle.ZENDESK ? Vendor.ZENDESK : Vendor.GOTO;
    return ctx.render(
      reply,
      <CartPage
        frame={ctx.frameOf(request, reply, session)}
        products={catalog.products.filter((p) => p.vendor === vendor)}
        suites={catalog.suites}
        review={shown.review ?? null}
        outcome={shown.outcome ?? null}
      />,
      shown.status,
    );
  };

  /** Runs a step of the cart on its items and shows the page with what came of it. */
  const step = (
    request: FastifyRequest,
    reply: FastifyReply,
    run: (session: Session, items: Item[]) => Promise<Shown & { review?: CartReview }>,
  ) => {
    const items = itemsOf(formOf(request));
    return ctx.change(
      request,
      reply,
      async (session): Promise<Shown & { review?: CartReview }> => {
        if (items.length > 0) return run(session, items);
        const t = translator(ctx.localeOf(request));
        return { outcome: { kind: 'denied', message: t('cart.nothing'), rules: [] }, status: 400 };
      },
      (session, shown) => cartPage(request, reply, session, shown),
    );
  };

  app.get('/cart', async (request, reply) => {
    const session = ctx.requireSession(request, reply);
    return session ? cartPage(request, reply, session) : reply;
  });

  // The review: the service prices the cart without keeping it, and says whether it would go to sales.
  app.post('/cart', posted, async (request, reply) =>
    step(request, reply, async (session, items) => {
      const answer = await licensing.createQuote({ items, validateOnly: true }, { token: session.token });
      const kept = JSON.stringify(items);
      const quote = answer.quote!;
      return quote.state === QuoteState.SENT_TO_SALES
        ? { review: { kind: 'sales', items: kept, reasons: answer.decision?.warnings.map((w) => w.message) ?? [] } }
        : { review: { kind: 'prices', quote, items: kept } };
    }),
  );

  // Buying: the quote made now and checked out at the total the admin was shown (or refused, nothing bought).
  app.post('/cart/buy', posted, async (request, reply) =>
    step(request, reply, async (session, items) => {
      const call = { token: session.token };
      const quote = (await licensing.createQuote({ items }, call)).quote!;
      const expected = textOf(request, 'expected');
      const shown = /^\d+$/.test(expected) ? BigInt(expected) : -1n;
      const checkout = await licensing.checkoutQuote(
        { quoteId: quote.id, expectedTotal: { currencyCode: quote.total!.currencyCode, amountMinor: shown } },
        call,
      );
      const t = translator(ctx.localeOf(request));
      const charged = checkout.charged ? formatMoney(intlOf(ctx.localeOf(request)), checkout.charged) : '';
      return { outcome: { kind: 'done', message: t('cart.bought', { total: charged }), warnings: [] } };
    }),
  );

  app.post('/cart/sales', posted, async (request, reply) =>
    step(request, reply, async (session, items) => {
      const quote = (await licensing.createQuote({ items }, { token: session.token })).quote!;
      const t = translator(ctx.localeOf(request));
      return {
        outcome: {
          kind: 'done',
          message: t('cart.salesSent', { orders: quote.salesOrderIds.join(', ') }),
          warnings: [],
        },
      };
    }),
  );
}
