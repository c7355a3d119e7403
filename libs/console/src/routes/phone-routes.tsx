/* @jsxRuntime automatic */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PhoneConfiguration } from '@acme/contracts';
import { decodeGrpcError, GrpcStatus } from '@acme/grpc';
import { PhonePage } from '../pages/phone.js';
import type { Session } from '../sessions.js';
import { warningsOf, type ConsoleContext, type Shown } from './context.js';

/** The product whose removal keeps the phone configuration, and whose re-assignment restores it. */
const CONNECT = 'goto_connect_standard';

/** A user's phone configuration: in use or retained (with its purge time), and its restore. */
export function registerPhoneRoutes(ctx: ConsoleContext): void {
  const { app, licensing, posted } = ctx;
  const userOf = (request: FastifyRequest) => (request.params as { userId: string }).userId;

  const phonePage = async (request: FastifyRequest, reply: FastifyReply, session: Session, shown: Shown = {}) => {
    const call = { token: session.token };
    const userId = userOf(request);
    const [user, configuration] = await Promise.all([
      licensing.getUser({ userId }, call),
      licensing.getPhoneConfiguration({ userId }, call).then(
        (answer): PhoneConfiguration | null => answer.configuration ?? null,
        // No configuration is an answer of its own, not an error page.
        (error: unknown) => {
          if (decodeGrpcError(error as never).code === GrpcStatus.NOT_FOUND) return null;
          throw error;
        },
      ),
    ]);
    return ctx.render(
      reply,
      <PhonePage
        frame={ctx.frameOf(request, reply, session)}
        user={user.user!}
        configuration={configuration}
        outcome={shown.outcome ?? null}
      />,
      shown.status,
    );
  };

  app.get('/users/:userId/phone', async (request, reply) => {
    const session = ctx.requireSession(request, reply);
    return session ? phonePage(request, reply, session) : reply;
  });

  app.post('/users/:userId/phone/restore', posted, async (request, reply) =>
    ctx.changeOrDryRun(
      request,
      reply,
      async (session, dryRun, t) => {
        const answer = await licensing.assignLicenses(
          { userId: userOf(request), products: [{ productId: CONNECT }], validateOnly: dryRun },
          { token: session.token },
        );
        return { message: t('phone.restored'), warnings: warningsOf(answer) };
      },
      (session, shown) => phonePage(request, reply, session, shown),
    ),
  );
}
