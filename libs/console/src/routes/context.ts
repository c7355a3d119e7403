import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { LicensingService } from '@acme/contracts';
import { decodeGrpcError, GrpcStatus, type PromiseClient } from '@acme/grpc';
import { chooseLocale, translator, type Locale } from '../i18n/index.js';
import type { PageFrame } from '../pages/layout.js';
import type { ChangeOutcome } from '../pages/outcome.js';
import type { Session, Sessions } from '../sessions.js';

export type Licensing = PromiseClient<(typeof LicensingService)['method']>;

export const SESSION_COOKIE = 'console_session';
export const LOCALE_COOKIE = 'console_locale';

/** What every route of the console works with: the services' client, the sessions and the page helpers. */
export interface ConsoleContext {
  app: FastifyInstance;
  licensing: Licensing;
  sessions: Sessions;
  cookie: { httpOnly: true; sameSite: 'strict'; path: '/'; secure: boolean };
  /** The CSRF check every form post runs first. */
  posted: { preHandler: preHandlerHookHandler };
  localeOf(request: FastifyRequest): Locale;
  frameOf(request: FastifyRequest, reply: FastifyReply, session: Session | null): PageFrame;
  render(reply: FastifyReply, page: ReactElement, status?: number): FastifyReply;
  /** The signed-in session, or a redirect to the sign-in page (and null). */
  requireSession(request: FastifyRequest, reply: FastifyReply): Session | null;
  /**
   * A form post that changes something: `run` with the signed-in session, then `show` with what
   * came of it; a refusal the caller is owed (the rules' messages and ids) is shown by the same
   * page with its status. Anything else (the service down, a bug) reaches the error page.
   */
  change<S extends Shown>(
    request: FastifyRequest,
    reply: FastifyReply,
    run: (session: Session) => Promise<S>,
    show: (session: Session, shown: S | Shown) => Promise<FastifyReply>,
  ): Promise<FastifyReply>;
}

/** What a page shows after a change: its outcome, and the HTTP status when not 200. */
export interface Shown {
  outcome?: ChangeOutcome;
  status?: number;
}

export function consoleContext(
  app: FastifyInstance,
  licensing: Licensing,
  sessions: Sessions,
  secureCookies: boolean,
): ConsoleContext {
  const localeOf = (request: FastifyRequest): Locale =>
    chooseLocale(request.cookies[LOCALE_COOKIE], request.headers['accept-language']);
  const requireSession = (request: FastifyRequest, reply: FastifyReply): Session | null => {
    const session = sessions.get(request.cookies[SESSION_COOKIE]);
    if (!session) void reply.redirect('/sign-in', 303);
    return session;
  };
  return {
    app,
    licensing,
    sessions,
    cookie: { httpOnly: true, sameSite: 'strict', path: '/', secure: secureCookies },
    posted: { preHandler: app.csrfProtection },
    localeOf,
    frameOf(request, reply, session) {
      const locale = localeOf(request);
      return {
        locale,
        t: translator(locale),
        csrf: reply.generateCsrf(),
        path: request.url.split('?')[0] ?? '/',
        who: session ? { name: session.name, accountId: session.accountId } : null,
      };
    },
    render: (reply, page, status = 200) =>
      reply
        .code(status)
        .type('text/html; charset=utf-8')
        .send(`<!doctype html>${renderToStaticMarkup(page)}`),
    requireSession,
    async change(request, reply, run, show) {
      const session = requireSession(request, reply);
      if (!session) return reply;
      let shown;
      try {
        shown = await run(session);
      } catch (error) {
        shown = refusalOf(error);
        if (!shown) throw error;
      }
      return show(session, shown);
    },
  };
}

/** A posted form's fields. */
export const formOf = (request: FastifyRequest) =>
  (request.body ?? {}) as Record<string, string | string[] | undefined>;

/** Every value of a field posted once, many times or not at all. */
export const allOf = (value: string | string[] | undefined): string[] => (value === undefined ? [] : [value].flat());

/** The text of a field posted once; empty when it is missing or posted more than once. */
export const textOf = (request: FastifyRequest, name: string): string => {
  const value = formOf(request)[name];
  return typeof value === 'string' ? value : '';
};

/** A refusal the caller is owed an explanation of: the rules' messages and ids, or the service's reason. */
function refusalOf(error: unknown): Required<Shown> | null {
  const status = decodeGrpcError(error as never);
  const refused = [
    GrpcStatus.PERMISSION_DENIED,
    GrpcStatus.FAILED_PRECONDITION,
    GrpcStatus.RESOURCE_EXHAUSTED,
    GrpcStatus.INVALID_ARGUMENT,
    GrpcStatus.NOT_FOUND,
  ];
  if (!refused.includes(status.code)) return null;
  const rules = (status.preconditionFailure?.violations ?? []).map((v) => ({ id: v.type, message: v.description }));
  return {
    outcome: { kind: 'denied', message: status.message, rules },
    status: status.code === GrpcStatus.PERMISSION_DENIED ? 403 : 409,
  };
}
