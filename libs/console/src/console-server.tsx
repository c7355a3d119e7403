// Compiled with the automatic JSX runtime however it is run (tsx from the root has no tsconfig with "jsx").
/* @jsxRuntime automatic */
import { readFileSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { LicensingService } from '@acme/contracts';
import { createClient, decodeGrpcError, GrpcStatus, type PromiseClient } from '@acme/grpc';
import { chooseLocale, isLocale, translator, type Locale } from './i18n/index.js';
import type { PageFrame } from './pages/layout.js';
import { ProductsPage } from './pages/products.js';
import { SignInPage, type DemoIdentity } from './pages/sign-in.js';
import { UsersPage, type ChangeOutcome, type UserRow } from './pages/users.js';
import { Sessions, type Session } from './sessions.js';
import type { SignIn } from './demo-sign-in.js';

export interface ConsoleOptions {
  licensingAddress: string;
  /** Who may be signed in as, and how (development: the dev stack's keys). Empty: nobody. */
  identities: readonly DemoIdentity[];
  signIn: SignIn | null;
  secureCookies: boolean;
}

const SESSION_COOKIE = 'console_session';
const LOCALE_COOKIE = 'console_locale';
const CSS = readFileSync(new URL('./console.css', import.meta.url), 'utf8');

/** No script, no frames, forms only to itself: what the pages need and nothing more. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

type Licensing = PromiseClient<(typeof LicensingService)['method']>;

/**
 * The admin console's server (a BFF): it holds each browser's session (an HttpOnly cookie names
 * it; the token stays here), checks a CSRF token on every form post, calls the licensing service
 * with the generated client and the session's token, and renders the pages on the server in the
 * browser's language. The browser never speaks gRPC and runs no script.
 */
export async function buildConsole(options: ConsoleOptions): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const licensing: Licensing = createClient(LicensingService, options.licensingAddress, { timeoutMs: 10_000 });
  const sessions = new Sessions();
  const cookie = { httpOnly: true, sameSite: 'strict' as const, path: '/', secure: options.secureCookies };
  const app = Fastify({ logger: false });
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  await app.register(fastifyCsrf, { cookieOpts: cookie });
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });

  const localeOf = (request: FastifyRequest): Locale =>
    chooseLocale(request.cookies[LOCALE_COOKIE], request.headers['accept-language']);
  const sessionOf = (request: FastifyRequest) => sessions.get(request.cookies[SESSION_COOKIE]);
  const frameOf = (request: FastifyRequest, reply: FastifyReply, session: Session | null): PageFrame => {
    const locale = localeOf(request);
    return {
      locale,
      t: translator(locale),
      csrf: reply.generateCsrf(),
      path: request.url.split('?')[0] ?? '/',
      who: session ? { name: session.name, accountId: session.accountId } : null,
    };
  };
  const render = (reply: FastifyReply, page: ReactElement, status = 200) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(`<!doctype html>${renderToStaticMarkup(page)}`);
  /** The signed-in session, or a redirect to the sign-in page (and null). */
  const requireSession = (request: FastifyRequest, reply: FastifyReply): Session | null => {
    const session = sessionOf(request);
    if (!session) void reply.redirect('/sign-in', 303);
    return session;
  };
  const form = (request: FastifyRequest) => (request.body ?? {}) as Record<string, string | string[] | undefined>;
  const all = (value: string | string[] | undefined): string[] => (value === undefined ? [] : [value].flat());
  const posted = { preHandler: app.csrfProtection };

  app.get('/console.css', async (_request, reply) => reply.type('text/css').send(CSS));
  app.get('/', async (request, reply) => reply.redirect(sessionOf(request) ? '/products' : '/sign-in', 303));

  app.get('/sign-in', async (request, reply) =>
    render(
      reply,
      <SignInPage frame={frameOf(request, reply, null)} identities={options.signIn ? options.identities : []} />,
    ),
  );
  app.post('/sign-in', posted, async (request, reply) => {
    const identity = options.identities.find((i) => i.key === form(request).identity);
    if (!identity || !options.signIn) return reply.redirect('/sign-in', 303);
    const token = await options.signIn(identity);
    const id = sessions.open({ token, name: identity.name, subject: identity.subject, accountId: identity.accountId });
    return reply.setCookie(SESSION_COOKIE, id, cookie).redirect('/products', 303);
  });
  app.post('/sign-out', posted, async (request, reply) => {
    sessions.close(request.cookies[SESSION_COOKIE]);
    return reply.clearCookie(SESSION_COOKIE, cookie).redirect('/sign-in', 303);
  });
  app.post('/language', posted, async (request, reply) => {
    const { locale, back } = form(request);
    // Only a path of this console: never an address elsewhere.
    const to = typeof back === 'string' && /^\/(?!\/)[\w\-/]*$/.test(back) ? back : '/';
    if (isLocale(locale)) void reply.setCookie(LOCALE_COOKIE, locale, { ...cookie, maxAge: 365 * 86_400 });
    return reply.redirect(to, 303);
  });

  app.get('/products', async (request, reply) => {
    const session = requireSession(request, reply);
    if (!session) return reply;
    const call = { token: session.token };
    const [catalog, usage] = await Promise.all([licensing.listProducts({}, call), licensing.getSeatUsage({}, call)]);
    return render(
      reply,
      <ProductsPage frame={frameOf(request, reply, session)} products={catalog.products} usage={usage.products} />,
    );
  });

  const usersPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    session: Session,
    outcome: ChangeOutcome | null,
    status = 200,
  ) => {
    const call = { token: session.token };
    const [users, assignments, catalog, usage] = await Promise.all([
      licensing.listUsers({ pageSize: 500 }, call),
      licensing.listAssignments({ pageSize: 500 }, call),
      licensing.listProducts({}, call),
      licensing.getSeatUsage({}, call),
    ]);
    const query = typeof (request.query as { q?: unknown }).q === 'string' ? (request.query as { q: string }).q : '';
    const needle = query.trim().toLocaleLowerCase();
    const rows: UserRow[] = users.users
      .filter((u) => !needle || `${u.displayName} ${u.email}`.toLocaleLowerCase().includes(needle))
      .map((user) => ({
        user,
        productIds: assignments.assignments.filter((a) => a.userId === user.id).map((a) => a.productId),
      }));
    // The account's products: those it has seats of.
    const owned = new Set(usage.products.map((p) => p.productId));
    return render(
      reply,
      <UsersPage
        frame={frameOf(request, reply, session)}
        query={query}
        rows={rows}
        products={catalog.products.filter((p) => owned.has(p.id))}
        outcome={outcome}
      />,
      status,
    );
  };
  app.get('/users', async (request, reply) => {
    const session = requireSession(request, reply);
    return session ? usersPage(request, reply, session, null) : reply;
  });
  app.post('/users/:userId/products', posted, async (request, reply) => {
    const session = requireSession(request, reply);
    if (!session) return reply;
    const { userId } = request.params as { userId: string };
    const body = form(request);
    const productIds = all(body.product);
    const products = productIds.map((productId) => {
      const on = new Set(all(body[`feature:${productId}`]));
      const offered = all(body[`offered:${productId}`]);
      return { productId, features: Object.fromEntries(offered.map((f) => [f, on.has(f)])) };
    });
    try {
      const answer = await licensing.assignLicenses(
        { userId, products, notifyUser: body.notify === '1', validateOnly: body.dryRun === '1' },
        { token: session.token },
      );
      const warnings = answer.decision?.warnings.map((w) => w.message) ?? [];
      const outcome: ChangeOutcome =
        body.dryRun === '1' ? { kind: 'dry-run', warnings } : { kind: 'done', count: answer.results.length, warnings };
      return usersPage(request, reply, session, outcome);
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      return usersPage(request, reply, session, refusal.outcome, refusal.status);
    }
  });

  app.setErrorHandler(async (error, request, reply) => {
    const status = decodeGrpcError(error as never);
    if (status.code === GrpcStatus.UNAUTHENTICATED) {
      sessions.close(request.cookies[SESSION_COOKIE]);
      return reply.redirect('/sign-in', 303);
    }
    const t = translator(localeOf(request));
    const unavailable = status.code === GrpcStatus.UNAVAILABLE || status.code === GrpcStatus.DEADLINE_EXCEEDED;
    return reply
      .code((error as { statusCode?: number }).statusCode ?? (unavailable ? 503 : 500))
      .type('text/plain; charset=utf-8')
      .send(`${t('error.title')}: ${unavailable ? t('error.unavailable') : status.message || String(error)}`);
  });

  return { app, close: async () => void (await app.close(), licensing.close()) };
}

/** A refusal the caller is owed an explanation of: the rules' messages and ids, or the service's reason. */
function refusalOf(error: unknown): { outcome: ChangeOutcome; status: number } | null {
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
