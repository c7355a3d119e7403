/* @jsxRuntime automatic */
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { billing as billingApi, LicensingService } from '@acme/contracts';
import { createClient, decodeGrpcError, GrpcStatus } from '@acme/grpc';
import { translator } from './i18n/index.js';
import type { DemoIdentity } from './pages/sign-in.js';
import { Sessions } from './sessions.js';
import type { SignIn } from './demo-sign-in.js';
import { Layout } from './pages/layout.js';
import { Outcome } from './pages/outcome.js';
import { consoleContext, refusalOf, SESSION_COOKIE, type Licensing } from './routes/context.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { registerBackOfficeRoutes } from './routes/back-office-routes.js';
import { registerCartRoutes } from './routes/cart-routes.js';
import { registerInvoiceRoutes } from './routes/invoice-routes.js';
import { OidcSignIn, type Mint, type OidcOptions } from './oidc-sign-in.js';
import { registerOidcRoutes } from './routes/oidc-routes.js';
import { registerPhoneRoutes } from './routes/phone-routes.js';
import { registerProductRoutes } from './routes/product-routes.js';
import { registerQueueRoutes } from './routes/queue-routes.js';
import { registerSeatRoutes } from './routes/seat-routes.js';
import { registerSessionRoutes } from './routes/session-routes.js';
import { registerUserLifecycleRoutes } from './routes/user-lifecycle-routes.js';
import { registerUserRoutes } from './routes/user-routes.js';

export interface ConsoleOptions {
  licensingAddress: string;
  /** The billing API (invoice preview, "why is this charged"); null: the console has no invoice pages. */
  billingAddress: string | null;
  /** Who may be signed in as, and how (development: the dev stack's keys). Empty: nobody. */
  identities: readonly DemoIdentity[];
  signIn: SignIn | null;
  /** Production sign-in through the identity provider, and how the console signs its users' tokens; null: none. */
  oidc: { options: OidcOptions; mint: Mint } | null;
  secureCookies: boolean;
}

/** No script, no frames, forms only to itself: what the pages need and nothing more. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

/**
 * The admin console's server (a BFF): it holds each browser's session (an HttpOnly cookie names
 * it; the token stays here), checks a CSRF token on every form post, calls the licensing service
 * with the generated client and the session's token, and renders the pages on the server in the
 * browser's language. The browser never speaks gRPC and runs no script.
 */
export async function buildConsole(options: ConsoleOptions): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const licensing: Licensing = createClient(LicensingService, options.licensingAddress, { timeoutMs: 10_000 });
  const billing = options.billingAddress
    ? createClient(billingApi.BillingService, options.billingAddress, { timeoutMs: 10_000 })
    : null;
  const sessions = new Sessions();
  const app = Fastify({ logger: false });
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  await app.register(fastifyCsrf, {
    cookieOpts: { httpOnly: true, sameSite: 'strict', path: '/', secure: options.secureCookies },
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });

  const ctx = consoleContext(app, licensing, billing, sessions, options.secureCookies);
  registerSessionRoutes(ctx, options.identities, options.signIn, options.oidc !== null);
  if (options.oidc) registerOidcRoutes(ctx, new OidcSignIn(options.oidc.options, licensing, options.oidc.mint));
  registerProductRoutes(ctx);
  registerUserRoutes(ctx);
  registerUserLifecycleRoutes(ctx);
  registerSeatRoutes(ctx);
  registerQueueRoutes(ctx);
  registerPhoneRoutes(ctx);
  registerCartRoutes(ctx);
  registerAuditRoutes(ctx);
  registerInvoiceRoutes(ctx);
  registerBackOfficeRoutes(ctx);

  app.setErrorHandler(async (error, request, reply) => {
    const status = decodeGrpcError(error as never);
    if (status.code === GrpcStatus.UNAUTHENTICATED) {
      sessions.close(request.cookies[SESSION_COOKIE]);
      return reply.redirect('/sign-in', 303);
    }
    // A page the service refuses to show this caller (a member's invoice): the refusal, as a page.
    const refused = refusalOf(error);
    const session = sessions.get(request.cookies[SESSION_COOKIE]);
    if (refused && session && request.method === 'GET') {
      const frame = ctx.frameOf(request, reply, session);
      return ctx.render(
        reply,
        <Layout frame={frame} title={frame.t('denial.title')}>
          <Outcome t={frame.t} outcome={refused.outcome} />
        </Layout>,
        refused.status,
      );
    }
    const t = translator(ctx.localeOf(request));
    const unavailable = status.code === GrpcStatus.UNAVAILABLE || status.code === GrpcStatus.DEADLINE_EXCEEDED;
    return reply
      .code((error as { statusCode?: number }).statusCode ?? (unavailable ? 503 : 500))
      .type('text/plain; charset=utf-8')
      .send(`${t('error.title')}: ${unavailable ? t('error.unavailable') : status.message || String(error)}`);
  });

  return { app, close: async () => void (await app.close(), licensing.close(), billing?.close()) };
}
