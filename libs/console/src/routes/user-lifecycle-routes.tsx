/* @jsxRuntime automatic */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NEW_USER_ROLES, NewUserPage } from '../pages/new-user.js';
import type { Session } from '../sessions.js';
import { type ConsoleContext, formOf, type Shown, textOf, warningsOf } from './context.js';
import { productsOfAccount, productsPosted, userPages } from './user-pages.js';

/** A user added with products (all or nothing, dry run first), deactivated and reactivated. */
export function registerUserLifecycleRoutes(ctx: ConsoleContext): void {
  const { app, licensing, posted } = ctx;
  const user = userPages(ctx);

  const newUserPage = async (request: FastifyRequest, reply: FastifyReply, session: Session, shown: Shown = {}) =>
    ctx.render(
      reply,
      <NewUserPage
        frame={ctx.frameOf(request, reply, session)}
        products={await productsOfAccount(licensing, session)}
        values={{
          email: textOf(request, 'email'),
          displayName: textOf(request, 'displayName'),
          role: textOf(request, 'role'),
        }}
        outcome={shown.outcome ?? null}
      />,
      shown.status,
    );

  app.get('/users/new', async (request, reply) => {
    const session = ctx.requireSession(request, reply);
    return session ? newUserPage(request, reply, session) : reply;
  });

  app.post('/users', posted, async (request, reply) => {
    const role = textOf(request, 'role');
    let createdId: string | null = null;
    return ctx.changeOrDryRun(
      request,
      reply,
      async (session, dryRun, t) => {
        const answer = await licensing.createUser(
          {
            email: textOf(request, 'email'),
            displayName: textOf(request, 'displayName'),
            roles: [(NEW_USER_ROLES as readonly string[]).includes(role) ? role : 'member'],
            products: productsPosted(request),
            notifyUser: formOf(request).notify === '1',
            validateOnly: dryRun,
          },
          { token: session.token },
        );
        if (!dryRun) createdId = answer.user!.id;
        const message = t('users.created', { name: answer.user!.displayName, count: answer.assignments.length });
        return { message, warnings: warningsOf(answer) };
      },
      // Once added, the new user's own page; a dry run or a refusal keeps the form as it was typed.
      (session, shown) =>
        createdId ? user.show(request, reply, session, createdId, shown) : newUserPage(request, reply, session, shown),
    );
  });

  app.post('/users/:userId/deactivate', posted, async (request, reply) =>
    user.change(request, reply, async (session, userId, dryRun, t) => {
      const answer = await licensing.deactivateUser({ userId, validateOnly: dryRun }, { token: session.token });
      return {
        message: t('users.deactivatedDone', {
          licenses: answer.removedAssignments.length,
          queues: answer.removedFromQueueIds.length,
        }),
        warnings: warningsOf(answer),
      };
    }),
  );

  app.post('/users/:userId/reactivate', posted, async (request, reply) =>
    user.change(request, reply, async (session, userId, dryRun, t) => {
      const answer = await licensing.reactivateUser({ userId, validateOnly: dryRun }, { token: session.token });
      return { message: t('users.reactivatedDone'), warnings: warningsOf(answer) };
    }),
  );
}
