/* @jsxRuntime automatic */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueueKind, QueueRole } from '@acme/contracts';
import { translator } from '../i18n/index.js';
import { QueuesPage, type QueueTab } from '../pages/queues.js';
import type { Session } from '../sessions.js';
import { type ConsoleContext, type Shown, textOf, warningsOf } from './context.js';
import { userNames } from './names.js';

const KINDS: Record<string, QueueKind> = {
  call: QueueKind.CALL,
  inbound: QueueKind.INBOUND,
  outbound: QueueKind.OUTBOUND,
};

/** How many users the pickers offer: a search finds the others. */
const CANDIDATES = 50;

const tabOf = (value: unknown): QueueTab => (value === 'supervisors' ? 'supervisors' : 'agents');

/** Contact-center queues: members by tab, joining and leaving, new queues, leaving every queue at once. */
export function registerQueueRoutes(ctx: ConsoleContext): void {
  const { app, licensing, posted } = ctx;

  const queuesPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    session: Session,
    tab: QueueTab,
    shown: Shown = {},
  ) => {
    const call = { token: session.token };
    // The users to pick from are the service's search (the first page of it), never the whole account.
    const who = request.method === 'GET' ? (request.query as { who?: unknown }).who : textOf(request, 'who');
    const query = typeof who === 'string' ? who.trim() : '';
    const [queues, candidates] = await Promise.all([
      licensing.listQueues({}, call),
      licensing.listUsers({ query, pageSize: CANDIDATES }, call),
    ]);
    const names = await userNames(
      licensing,
      session,
      queues.queues.flatMap((q) => q.members.map((m) => m.userId)),
    );
    return ctx.render(
      reply,
      <QueuesPage
        frame={ctx.frameOf(request, reply, session)}
        queues={queues.queues}
        candidates={candidates.users}
        moreCandidates={candidates.nextPageToken !== ''}
        query={query}
        names={names}
        tab={tab}
        outcome={shown.outcome ?? null}
      />,
      shown.status,
    );
  };

  /** Runs a change (or its dry run) and shows the queues, on the tab the form was posted from. */
  const change = (
    request: FastifyRequest,
    reply: FastifyReply,
    run: (
      session: Session,
      validateOnly: boolean,
    ) => Promise<{ message: string; decision?: { warnings: { message: string }[] } }>,
  ) =>
    ctx.changeOrDryRun(
      request,
      reply,
      async (session, dryRun) => {
        const { message, ...answer } = await run(session, dryRun);
        // The rules' warnings: billing starting or going on.
        return { message, warnings: warningsOf(answer) };
      },
      (session, shown) => queuesPage(request, reply, session, tabOf(textOf(request, 'tab')), shown),
    );
  const done = (request: FastifyRequest) => translator(ctx.localeOf(request))('queues.done');
  const queueOf = (request: FastifyRequest) => (request.params as { queueId: string }).queueId;

  app.get('/queues', async (request, reply) => {
    const session = ctx.requireSession(request, reply);
    return session ? queuesPage(request, reply, session, tabOf((request.query as { tab?: unknown }).tab)) : reply;
  });
  app.post('/queues', posted, async (request, reply) =>
    change(request, reply, async (session, validateOnly) => {
      const answer = await licensing.createQueue(
        { name: textOf(request, 'name'), kind: KINDS[textOf(request, 'kind')] ?? QueueKind.UNSPECIFIED, validateOnly },
        { token: session.token },
      );
      return { ...answer, message: done(request) };
    }),
  );
  app.post('/queues/:queueId/members', posted, async (request, reply) =>
    change(request, reply, async (session, validateOnly) => {
      const role = tabOf(textOf(request, 'tab')) === 'supervisors' ? QueueRole.SUPERVISOR : QueueRole.AGENT;
      const answer = await licensing.addQueueMember(
        { queueId: queueOf(request), userId: textOf(request, 'user'), role, validateOnly },
        { token: session.token },
      );
      return { ...answer, message: done(request) };
    }),
  );
  app.post('/queues/:queueId/remove', posted, async (request, reply) =>
    change(request, reply, async (session, validateOnly) => {
      const answer = await licensing.removeQueueMember(
        { queueId: queueOf(request), userId: textOf(request, 'user'), validateOnly },
        { token: session.token },
      );
      return { ...answer, message: done(request) };
    }),
  );
  app.post('/queues/remove-all', posted, async (request, reply) =>
    change(request, reply, async (session, validateOnly) => {
      const answer = await licensing.removeUserFromAllQueues(
        { userId: textOf(request, 'user'), validateOnly },
        { token: session.token },
      );
      return {
        ...answer,
        message: translator(ctx.localeOf(request))('queues.removedAll', { count: answer.queueIds.length }),
      };
    }),
  );
}
