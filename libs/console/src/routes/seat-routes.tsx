/* @jsxRuntime automatic */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DowngradeOrder } from '@acme/contracts';
import { translator } from '../i18n/index.js';
import { SeatsPage, type ReductionPreview } from '../pages/seats.js';
import type { Session } from '../sessions.js';
import { textOf, type ConsoleContext, type Shown } from './context.js';
import { userNames } from './names.js';

const ORDERS: Record<string, DowngradeOrder> = {
  default: DowngradeOrder.UNSPECIFIED,
  recent: DowngradeOrder.MOST_RECENT_FIRST,
  alphabetical: DowngradeOrder.ALPHABETICAL,
};

/** Reduce seats: every reduction is previewed by the service first (validate_only), then confirmed. */
export function registerSeatRoutes(ctx: ConsoleContext): void {
  const { app, licensing, posted } = ctx;

  const seatsPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    session: Session,
    shown: Shown & { preview?: ReductionPreview } = {},
  ) => {
    const call = { token: session.token };
    const [catalog, usage] = await Promise.all([licensing.listProducts({}, call), licensing.getSeatUsage({}, call)]);
    return ctx.render(
      reply,
      <SeatsPage
        frame={ctx.frameOf(request, reply, session)}
        products={catalog.products}
        suites={catalog.suites}
        usage={usage.products}
        preview={shown.preview ?? null}
        outcome={shown.outcome ?? null}
      />,
      shown.status,
    );
  };

  app.get('/seats', async (request, reply) => {
    const session = ctx.requireSession(request, reply);
    return session ? seatsPage(request, reply, session) : reply;
  });

  app.post('/seats', posted, async (request, reply) => {
    const target = textOf(request, 'target');
    const [kind, id = ''] = target.split(':');
    const newTotal = Number(textOf(request, 'newTotal'));
    const chosen = textOf(request, 'order');
    const order = chosen in ORDERS ? chosen : 'default';
    const confirm = textOf(request, 'confirm') === '1';
    return ctx.change(
      request,
      reply,
      async (session): Promise<Shown & { preview?: ReductionPreview }> => {
        const answer = await licensing.reduceSeats(
          {
            ...(kind === 'suite' ? { suiteId: id } : { productId: id }),
            newTotal,
            downgradeOrder: ORDERS[order],
            validateOnly: !confirm,
          },
          { token: session.token },
        );
        const warnings = answer.decision?.warnings.map((w) => w.message) ?? [];
        if (confirm) {
          const t = translator(ctx.localeOf(request));
          return { outcome: { kind: 'done', message: t('seats.done'), warnings } };
        }
        return {
          preview: {
            target,
            newTotal,
            order,
            changes: answer.changes.map((c) => ({
              productId: c.productId,
              before: c.purchasedBefore,
              after: c.purchasedAfter,
            })),
            // Who loses the product, by name, in the order they would lose it.
            downgraded: await userNames(licensing, session, answer.downgradedUserIds).then((names) =>
              answer.downgradedUserIds.map((id) => names.get(id) ?? id),
            ),
          },
        };
      },
      (session, shown) => seatsPage(request, reply, session, shown),
    );
  });
}
