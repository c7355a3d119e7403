import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { billing as billingApi, LicensingService } from '@acme/contracts';
import { decodeGrpcError, GrpcStatus, type PromiseClient } from '@acme/grpc';
import { chooseLocale, translator, type Locale, type Translate } from '../i18n/index.js';
import type { PageFrame } from '../pages/layout.js';
import type { ChangeOutcome } from '../pages/outcome.js';
import type { Session, Sessions } from '../sessions.js';

export type Licensing = PromiseClient<(typeof LicensingService)['method']>;
export type Billing = PromiseClient<(typeof billingApi.BillingService)['method']>;

export const SESSION_COOKIE = 'console_session';
export const LOCALE_COOKIE = 'console_locale';

/** What every route of the console works with: the services' client, the sessions and the page helpers. */
export interface ConsoleContext {
  app: FastifyInstance;
  licensing: Licensing;
  /** The billing API, when the console was given its address (the invoice pages), else null. */
  billing: Billing | null;
  sessions: Sessions;
  cookie: { httpOnly: true; sameSite: 'strict'; path: '/'; secure: boolean };
  /** The CSRF check every form post runs first. */
  posted: { preHandler: preHandlerHookHandler };
  localeOf(request: FastifyRequest): Locale;
  frameOf(request: FastifyRequest, reply: FastifyReply, session: Session | null): PageFrame;
  render(reply: FastifyReply, page: ReactElement, status?: number): FastifyReply;
  /**
   * The signed-in session of an account's user, or a redirect (and null): to the sign-in page, or
   * an operator to the back office. `operator` asks for an operator instead (users go to their products).
   */
  requireSession(request: FastifyRequest, reply: FastifyReply, who?: Who): Session | null;
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
    who?: Who,
  ): Promise<FastifyReply>;
  /**
   * `change` for a change the API can dry-run: `run` is told whether the form asked for "check
   * only", and the page shows its message, or that the dry run allowed it, with the rules' warnings.
   */
  changeOrDryRun(
    request: FastifyRequest,
    reply: FastifyReply,
    run: (session: Session, dryRun: boolean, t: Translate) => Promise<{ message: string; warnings: string[] }>,
    show: (session: Session, shown: Shown) => Promise<FastifyReply>,
    who?: Who,
  ): Promise<FastifyReply>;
}

/** Whose pages: an account's administrators' (and users'), or the back office's operators'. */
export type Who = 'account' | 'operator';

/** Where a session starts: the back office for an operator, the products for everyone else. */
export const homeOf = (session: { operator: boolean }) => (session.operator ? '/back-office' : '/products');

/** What a page shows after a change: its outcome, and the HTTP status when not 200. */
export interface Shown {
  outcome?: ChangeOutcome;
  status?: number;
}

export function consoleContext(
  app: FastifyInstance,
  licensing: Licensing,
  billing: Billing | null,
  sessions: Sessions,
  secureCookies: boolean,
): ConsoleContext {
  const pages = pagePaths(app);
  const localeOf = (request: FastifyRequest): Locale =>
    chooseLocale(request.cookies[LOCALE_COOKIE], request.headers['accept-language']);
  const requireSession = (request: FastifyRequest, reply: FastifyReply, who: Who = 'account'): Session | null => {
    const session = sessions.get(request.cookies[SESSION_COOKIE]);
    if (!session) {
      void reply.redirect('/sign-in', 303);
      return null;
    }
    if (session.operator !== (who === 'operator')) {
      void reply.redirect(homeOf(session), 303);
      return null;
    }
    return session;
  };
  return {
    app,
    licensing,
    billing,
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
        path: pages.of(request),
        who: session ? { name: session.name, accountId: session.accountId, operator: session.operator } : null,
        invoices: billing !== null,
      };
    },
    render: (reply, page, status = 200) =>
      reply
        .code(status)
        .type('text/html; charset=utf-8')
        .send(`<!doctype html>${renderToStaticMarkup(page)}`),
    requireSession,
    async change(request, reply, run, show, who = 'account') {
      const session = requireSession(request, reply, who);
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
    changeOrDryRun(request, reply, run, show, who = 'account') {
      const dryRun = isDryRun(request);
      const t = translator(localeOf(request));
      return this.change(
        request,
        reply,
        async (session) => outcomeOf(t, dryRun, await run(session, dryRun, t)),
        show,
        who,
      );
    },
  };
}

/** Whether the form asked for its dry run ("check only: change nothing"). */
const isDryRun = (request: FastifyRequest): boolean => formOf(request).dryRun === '1';

/** The warnings of a decision, as the rules wrote them. */
export const warningsOf = (answer: { decision?: { warnings: { message: string }[] } }): string[] =>
  answer.decision?.warnings.map((w) => w.message) ?? [];

/** What a change answered, as its page shows it: done with its message, or allowed as a dry run. */
function outcomeOf(t: Translate, dryRun: boolean, answer: { message: string; warnings: string[] }): Shown {
  return {
    outcome: dryRun
      ? { kind: 'dry-run', message: t('result.dryRun'), warnings: answer.warnings }
      : { kind: 'done', ...answer },
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
export function refusalOf(error: unknown): Required<Shown> | null {
  const status = decodeGrpcError(error as never);
  const refused = [
    GrpcStatus.PERMISSION_DENIED,
    GrpcStatus.FAILED_PRECONDITION,
    GrpcStatus.RESOURCE_EXHAUSTED,
    GrpcStatus.INVALID_ARGUMENT,
    GrpcStatus.NOT_FOUND,
    GrpcStatus.ALREADY_EXISTS,
  ];
  if (!refused.includes(status.code)) return null;
  const rules = (status.preconditionFailure?.violations ?? []).map((v) => ({ id: v.type, message: v.description }));
  return {
    outcome: { kind: 'denied', message: status.message, rules },
    status: status.code === GrpcStatus.PERMISSION_DENIED ? 403 : status.code === GrpcStatus.NOT_FOUND ? 404 : 409,
  };
}

/**
 * The page a request shows, for the language switch to come back to: its own path, or for a form
 * post the page it belongs to, the longest start of its path that is a page of the console
 * (`/users/u1/products` shows `/users/u1`); the post's own address is no page to come back to.
 */
function pagePaths(app: FastifyInstance) {
  const patterns: RegExp[] = [];
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    if (methods.includes('GET')) patterns.push(new RegExp(`^${route.url.replace(/:\w+/g, '[^/]+')}$`));
  });
  return {
    of(request: FastifyRequest): string {
      const path = request.url.split('?')[0] ?? '/';
      if (request.method === 'GET') return path;
      const segments = path.split('/');
      for (let n = segments.length; n > 1; n--) {
        const candidate = segments.slice(0, n).join('/');
        if (patterns.some((p) => p.test(candidate))) return candidate;
      }
      return '/';
    },
  };
}
