/* @jsxRuntime automatic */
import type { FastifyRequest } from 'fastify';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { InvoicePage, type InvoiceMonth } from '../pages/invoice.js';
import { WhyChargedPage, type WhyCharged } from '../pages/why-charged.js';
import type { Session } from '../sessions.js';
import type { ConsoleContext } from './context.js';
import { userNames } from './names.js';

/** How many purchases and reductions a per-seat line's explanation lists (the oldest first). */
const SEAT_CHANGES = 100;

/** `2026-12` from `?month=`, else this month (UTC, as billing periods are). */
export function monthOf(value: unknown, now = new Date()): InvoiceMonth {
  const match = typeof value === 'string' ? /^(\d{4})-(0[1-9]|1[0-2])$/.exec(value) : null;
  const [year, month] = match ? [Number(match[1]), Number(match[2]) - 1] : [now.getUTCFullYear(), now.getUTCMonth()];
  const at = (offset: number) => new Date(Date.UTC(year, month + offset, 1));
  const key = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  return { key: key(at(0)), start: at(0), end: at(1), previous: key(at(-1)), next: key(at(1)) };
}

/**
 * The invoice preview and "why is this charged", read from the billing API with the session's
 * token (billing asks licensing whether the caller administers the account).
 */
export function registerInvoiceRoutes(ctx: ConsoleContext): void {
  const { app, licensing, billing } = ctx;
  if (!billing) return;

  /** Product names, and the names of the users given. */
  const namesOf = async (session: Session, userIds: readonly string[]) => {
    const [catalog, users] = await Promise.all([
      licensing.listProducts({}, { token: session.token }),
      userNames(licensing, session, userIds),
    ]);
    return new Map<string, string>([...catalog.products.map((p): [string, string] => [p.id, p.name]), ...users]);
  };

  const periodOf = (request: FastifyRequest) => {
    const month = monthOf((request.query as { month?: unknown }).month);
    return { month, period: { periodStart: timestampFromDate(month.start), periodEnd: timestampFromDate(month.end) } };
  };

  app.get('/invoice', async (request, reply) => {
    const session = ctx.requireSession(request, reply);
    if (!session) return reply;
    const { month, period } = periodOf(request);
    const preview = await billing.getInvoicePreview(period, { token: session.token });
    const names = await namesOf(
      session,
      preview.lines.flatMap((l) => (l.userId ? [l.userId] : [])),
    );
    return ctx.render(
      reply,
      <InvoicePage frame={ctx.frameOf(request, reply, session)} month={month} preview={preview} names={names} />,
    );
  });

  app.get('/invoice/why', async (request, reply) => {
    const session = ctx.requireSession(request, reply);
    if (!session) return reply;
    const { month, period } = periodOf(request);
    const { product, user } = request.query as { product?: unknown; user?: unknown };
    const productId = typeof product === 'string' ? product : '';
    const userId = typeof user === 'string' ? user : '';
    const call = { token: session.token };
    let why: WhyCharged;
    if (userId) {
      why = { kind: 'member', explanation: await billing.explainCharge({ ...period, productId, userId }, call) };
    } else {
      // A per-seat line is the account's: its seats over the month, and every purchase or reduction up to its end.
      const [preview, changes] = await Promise.all([
        billing.getInvoicePreview(period, call),
        billing.listLedgerEntries(
          { productId, kinds: ['seats_added', 'seats_removed'], effectiveTo: period.periodEnd, pageSize: SEAT_CHANGES },
          call,
        ),
      ]);
      why = {
        kind: 'seats',
        line: preview.lines.find((l) => l.productId === productId && !l.userId) ?? null,
        changes: changes.entries,
        more: changes.nextPageToken !== '',
        ...(changes.position ? { position: changes.position } : {}),
      };
    }
    const names = await namesOf(session, userId ? [userId] : []);
    const label = [names.get(productId) ?? productId, ...(userId ? [names.get(userId) ?? userId] : [])].join(' · ');
    return ctx.render(
      reply,
      <WhyChargedPage frame={ctx.frameOf(request, reply, session)} month={month} label={label} why={why} />,
    );
  });
}
