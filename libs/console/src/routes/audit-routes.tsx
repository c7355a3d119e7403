/* @jsxRuntime automatic */
import { AuditPage } from '../pages/audit.js';
import type { ConsoleContext } from './context.js';

/** Who changed what, newest first, 50 entries a page; `?request=` keeps one request's entries (what an invoice line links to). */
export function registerAuditRoutes(ctx: ConsoleContext): void {
  ctx.app.get('/audit', async (request, reply) => {
    const session = ctx.requireSession(request, reply);
    if (!session) return reply;
    const { page, request: causation } = request.query as { page?: unknown; request?: unknown };
    const causationId = typeof causation === 'string' ? causation : '';
    const listed = await ctx.licensing.listAuditEvents(
      { pageSize: 50, pageToken: typeof page === 'string' ? page : '', causationId },
      { token: session.token },
    );
    return ctx.render(
      reply,
      <AuditPage
        frame={ctx.frameOf(request, reply, session)}
        events={listed.events}
        causationId={causationId}
        nextPageToken={listed.nextPageToken}
      />,
    );
  });
}
