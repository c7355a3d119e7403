/* @jsxRuntime automatic */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { translator } from '../i18n/index.js';
import { UsersPage, type UserRow } from '../pages/users.js';
import type { Session } from '../sessions.js';
import { allOf, formOf, type ConsoleContext, type Shown } from './context.js';

/**
 * Users (search), "Add products" with feature toggles and "Remove products" with the removal's
 * warnings (Contact Center billing continuing), each with its dry run (articles 000-002).
 */
export function registerUserRoutes(ctx: ConsoleContext): void {
  const { app, licensing, posted } = ctx;

  const usersPage = async (request: FastifyRequest, reply: FastifyReply, session: Session, shown: Shown = {}) => {
    const call = { token: session.token };
    const [users, assignments, catalog, usage] = await Promise.all([
      licensing.listUsers({ pageSize: 500 }, call),
      licensing.listAssignments({ pageSize: 500 }, call),
      licensing.listProducts({}, call),
      licensing.getSeatUsage({}, call),
    ]);
    const q = (request.query as { q?: unknown }).q;
    const query = typeof q === 'string' ? q : '';
    const needle = query.trim().toLocaleLowerCase();
    const rows: UserRow[] = users.users
      .filter((u) => !needle || `${u.displayName} ${u.email}`.toLocaleLowerCase().includes(needle))
      .map((user) => ({
        user,
        productIds: assignments.assignments.filter((a) => a.userId === user.id).map((a) => a.productId),
      }));
    // The account's products: those it has seats of.
    const owned = new Set(usage.products.map((p) => p.productId));
    return ctx.render(
      reply,
      <UsersPage
        frame={ctx.frameOf(request, reply, session)}
        query={query}
        rows={rows}
        products={catalog.products.filter((p) => owned.has(p.id))}
        outcome={shown.outcome ?? null}
      />,
      shown.status,
    );
  };

  /** Runs a change (or its dry run) and shows the users page with its outcome. */
  const change = (
    request: FastifyRequest,
    reply: FastifyReply,
    run: (session: Session, dryRun: boolean) => Promise<{ message: string; warnings: string[] }>,
  ) => {
    const dryRun = formOf(request).dryRun === '1';
    return ctx.change(
      request,
      reply,
      async (session): Promise<Shown> => {
        const answer = await run(session, dryRun);
        const t = translator(ctx.localeOf(request));
        return {
          outcome: dryRun
            ? { kind: 'dry-run', message: t('result.dryRun'), warnings: answer.warnings }
            : { kind: 'done', ...answer },
        };
      },
      (session, shown) => usersPage(request, reply, session, shown),
    );
  };

  app.get('/users', async (request, reply) => {
    const session = ctx.requireSession(request, reply);
    return session ? usersPage(request, reply, session) : reply;
  });

  app.post('/users/:userId/products', posted, async (request, reply) =>
    change(request, reply, async (session, dryRun) => {
      const body = formOf(request);
      const products = allOf(body.product).map((productId) => {
        const on = new Set(allOf(body[`feature:${productId}`]));
        // Every feature offered is posted, so one left unticked is switched off.
        const offered = allOf(body[`offered:${productId}`]);
        return { productId, features: Object.fromEntries(offered.map((f) => [f, on.has(f)])) };
      });
      const answer = await licensing.assignLicenses(
        {
          userId: (request.params as { userId: string }).userId,
          products,
          notifyUser: body.notify === '1',
          validateOnly: dryRun,
        },
        { token: session.token },
      );
      const t = translator(ctx.localeOf(request));
      return {
        message: t('result.done', { count: answer.results.length }),
        warnings: answer.decision?.warnings.map((w) => w.message) ?? [],
      };
    }),
  );

  app.post('/users/:userId/remove-products', posted, async (request, reply) =>
    change(request, reply, async (session, dryRun) => {
      const body = formOf(request);
      const answer = await licensing.unassignLicenses(
        {
          userId: (request.params as { userId: string }).userId,
          productIds: allOf(body.product),
          notifyUser: body.notify === '1',
          removeFromAllQueues: body.removeFromQueues === '1',
          validateOnly: dryRun,
        },
        { token: session.token },
      );
      const t = translator(ctx.localeOf(request));
      return {
        message: t('result.removed', { count: allOf(body.product).length }),
        warnings: answer.decision?.warnings.map((w) => w.message) ?? [],
      };
    }),
  );
}
