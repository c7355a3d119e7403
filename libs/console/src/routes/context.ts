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
}

export function consoleContext(
  app: FastifyInstance,
  licensing: Licensing,
  sessions: Sessions,
  secureCookies: boolean,
): ConsoleContext {
  const localeOf = (request: FastifyRequest): Locale =>
    chooseLocale(request.cookies[LOCALE_COOKIE], request.headers['accept-language']);
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
    requireSession(request, reply) {
      const session = sessions.get(request.cookies[SESSION_COOKIE]);
      if (!session) void reply.redirect('/sign-in', 303);
      return session;
    },
  };
}

/** A posted form's fields. */
export const formOf = (request: FastifyRequest) =>
  (request.body ?? {}) as Record<string, string | string[] | undefined>;

/** Every value of a field posted once, many times or not at all. */
export const allOf = (value: string | string[] | undefined): string[] => (value === undefined ? [] : [value].flat());

/** A refusal the caller is owed an explanation of: the rules' messages and ids, or the service's reason. */
export function refusalOf(error: unknown): { outcome: ChangeOutcome; status: number } | null {
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
