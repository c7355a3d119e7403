/* @jsxRuntime automatic */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Product } from '@acme/contracts';
import { type Translate } from '../i18n/index.js';
import { UserPage } from '../pages/user.js';
import type { Session } from '../sessions.js';
import { allOf, formOf, type ConsoleContext, type Licensing, type Shown } from './context.js';

/** The catalog's products the account has seats of: what may be assigned there. */
export async function productsOfAccount(licensing: Licensing, session: Session): Promise<Product[]> {
  const call = { token: session.token };
  const [catalog, usage] = await Promise.all([licensing.listProducts({}, call), licensing.getSeatUsage({}, call)]);
  const owned = new Set(usage.products.map((p) => p.productId));
  return catalog.products.filter((p) => owned.has(p.id));
}

/** The products ticked in a ProductChoices form, each with its features on or off. */
export function productsPosted(request: FastifyRequest) {
  const body = formOf(request);
  return allOf(body.product).map((productId) => {
    const on = new Set(allOf(body[`feature:${productId}`]));
    const offered = allOf(body[`offered:${productId}`]);
    return { productId, features: Object.fromEntries(offered.map((f) => [f, on.has(f)])) };
  });
}

/** What a change on one user answered, for its outcome. */
export interface UserChangeAnswer {
  message: string;
  warnings: string[];
}

/**
 * One user's page, and the changes made from it: each runs as a dry run when "check only" was
 * ticked, then the user's page shows what came of it (or the rules' refusal).
 */
export function userPages(ctx: ConsoleContext) {
  const { licensing } = ctx;

  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    session: Session,
    userId: string,
    shown: Shown = {},
  ) => {
    const call = { token: session.token };
    const [user, held, products] = await Promise.all([
      licensing.getUser({ userId }, call),
      licensing.listAssignments({ userId, pageSize: 500 }, call),
      productsOfAccount(licensing, session),
    ]);
    return ctx.render(
      reply,
      <UserPage
        frame={ctx.frameOf(request, reply, session)}
        user={user.user!}
        held={held.assignments}
        products={products}
        outcome={shown.outcome ?? null}
      />,
      shown.status,
    );
  };

  /** A change of the user named by the route, then their page with what came of it. */
  const change = (
    request: FastifyRequest,
    reply: FastifyReply,
    run: (session: Session, userId: string, dryRun: boolean, t: Translate) => Promise<UserChangeAnswer>,
  ) => {
    const userId = (request.params as { userId: string }).userId;
    return ctx.changeOrDryRun(
      request,
      reply,
      (session, dryRun, t) => run(session, userId, dryRun, t),
      (session, shown) => show(request, reply, session, userId, shown),
    );
  };

  return { show, change };
}
