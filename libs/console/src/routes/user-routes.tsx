/* @jsxRuntime automatic */
import { UsersPage, type UserRow } from '../pages/users.js';
import { allOf, type ConsoleContext, formOf, warningsOf } from './context.js';
import { productsPosted, userPages } from './user-pages.js';

const PAGE_SIZE = 25;

/**
 * Users: the list (searched and paged by the service), one user's page with "Add products"
 * (feature toggles) and "Remove products" (the Contact Center warning), each with its dry run
 * (articles 000-002).
 */
export function registerUserRoutes(ctx: ConsoleContext): void {
  const { app, licensing, posted } = ctx;
  const user = userPages(ctx);

  app.get('/users', async (request, reply) => {
    const session = ctx.requireSession(request, reply);
    if (!session) return reply;
    const { q, page } = request.query as { q?: unknown; page?: unknown };
    const query = typeof q === 'string' ? q.trim() : '';
    const call = { token: session.token };
    const listed = await licensing.listUsers(
      { query, pageSize: PAGE_SIZE, pageToken: typeof page === 'string' ? page : '' },
      call,
    );
    const rows: UserRow[] = await Promise.all(
      listed.users.map(async (u) => ({
        user: u,
        productIds: (await licensing.listAssignments({ userId: u.id, pageSize: 500 }, call)).assignments.map(
          (a) => a.productId,
        ),
      })),
    );
    return ctx.render(
      reply,
      <UsersPage
        frame={ctx.frameOf(request, reply, session)}
        query={query}
        rows={rows}
        nextPage={listed.nextPageToken}
      />,
    );
  });

  app.get('/users/:userId', async (request, reply) => {
    const session = ctx.requireSession(request, reply);
    return session ? user.show(request, reply, session, (request.params as { userId: string }).userId) : reply;
  });

  app.post('/users/:userId/products', posted, async (request, reply) =>
    user.change(request, reply, async (session, userId, dryRun, t) => {
      const answer = await licensing.assignLicenses(
        { userId, products: productsPosted(request), notifyUser: formOf(request).notify === '1', validateOnly: dryRun },
        { token: session.token },
      );
      return { message: t('result.done', { count: answer.results.length }), warnings: warningsOf(answer) };
    }),
  );

  app.post('/users/:userId/remove-products', posted, async (request, reply) =>
    user.change(request, reply, async (session, userId, dryRun, t) => {
      const body = formOf(request);
      const answer = await licensing.unassignLicenses(
        {
          userId,
          productIds: allOf(body.product),
          notifyUser: body.notify === '1',
          removeFromAllQueues: body.removeFromQueues === '1',
          validateOnly: dryRun,
        },
        { token: session.token },
      );
      return { message: t('result.removed', { count: allOf(body.product).length }), warnings: warningsOf(answer) };
    }),
  );
}
