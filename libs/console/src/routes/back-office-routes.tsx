/* @jsxRuntime automatic */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccountPage, AccountsPage } from '../pages/back-office.js';
import type { Session } from '../sessions.js';
import { warningsOf, type ConsoleContext, type Shown } from './context.js';

/**
 * The back office, for operators (a service identity over every account, not an account's user):
 * the accounts, and each one's orders from sales, completed (dry run first) or cancelled. Account
 * administrators are sent back to their own pages; the service decides what an operator may do.
 */
export function registerBackOfficeRoutes(ctx: ConsoleContext): void {
  const { app, licensing, posted } = ctx;
  const paramsOf = (request: FastifyRequest) => request.params as { accountId: string; orderId?: string };

  app.get('/back-office', async (request, reply) => {
    const session = ctx.requireSession(request, reply, 'operator');
    if (!session) return reply;
    const page = (request.query as { page?: unknown }).page;
    const listed = await licensing.listAccounts(
      { pageSize: 50, pageToken: typeof page === 'string' ? page : '' },
      { token: session.token },
    );
    return ctx.render(
      reply,
      <AccountsPage
        frame={ctx.frameOf(request, reply, session)}
        accounts={listed.accounts}
        nextPage={listed.nextPageToken}
      />,
    );
  });

  const accountPage = async (request: FastifyRequest, reply: FastifyReply, session: Session, shown: Shown = {}) => {
    const { accountId } = paramsOf(request);
    const call = { token: session.token };
    const [account, usage, orders, catalog] = await Promise.all([
      licensing.getAccount({ accountId }, call),
      licensing.getSeatUsage({ accountId }, call),
      licensing.listSalesOrders({ accountId, pageSize: 100 }, call),
      licensing.listProducts({}, call),
    ]);
    return ctx.render(
      reply,
      <AccountPage
        frame={ctx.frameOf(request, reply, session)}
        account={account.account!}
        usage={usage.products}
        orders={orders.orders}
        productNames={new Map(catalog.products.map((p) => [p.id, p.name]))}
        outcome={shown.outcome ?? null}
      />,
      shown.status,
    );
  };

  app.get('/back-office/accounts/:accountId', async (request, reply) => {
    const session = ctx.requireSession(request, reply, 'operator');
    return session ? accountPage(request, reply, session) : reply;
  });

  app.post('/back-office/accounts/:accountId/orders/:orderId/complete', posted, async (request, reply) => {
    const { accountId, orderId } = paramsOf(request);
    return ctx.changeOrDryRun(
      request,
      reply,
      async (session, dryRun, t) => {
        const answer = await licensing.completeSalesOrder(
          { accountId, orderId: orderId!, validateOnly: dryRun },
          { token: session.token },
        );
        const added = answer.changes.reduce((sum, c) => sum + (c.purchasedAfter - c.purchasedBefore), 0);
        return { message: t('office.completed', { id: orderId!, count: added }), warnings: warningsOf(answer) };
      },
      (session, shown) => accountPage(request, reply, session, shown),
      'operator',
    );
  });

  app.post('/back-office/accounts/:accountId/orders/:orderId/cancel', posted, async (request, reply) => {
    const { accountId, orderId } = paramsOf(request);
    return ctx.changeOrDryRun(
      request,
      reply,
      async (session, dryRun, t) => {
        const answer = await licensing.cancelSalesOrder(
          { accountId, orderId: orderId!, validateOnly: dryRun },
          { token: session.token },
        );
        return { message: t('office.cancelled', { id: orderId! }), warnings: warningsOf(answer) };
      },
      (session, shown) => accountPage(request, reply, session, shown),
      'operator',
    );
  });
}
