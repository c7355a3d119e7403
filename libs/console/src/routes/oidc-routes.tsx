/* @jsxRuntime automatic */
import { SignInPage, SignedInPage } from '../pages/sign-in.js';
import type { OidcSignIn } from '../oidc-sign-in.js';
import { homeOf, SESSION_COOKIE, type ConsoleContext } from './context.js';

const PENDING_COOKIE = 'console_oidc';

/**
 * Sign-in through the company's identity provider: `/sign-in/oidc` sends the browser there,
 * `/auth/callback` takes it back and opens a session for whoever the provider vouched for, if the
 * account knows them. Nothing is read for an unknown person beyond the lookup of their email.
 */
export function registerOidcRoutes(ctx: ConsoleContext, oidc: OidcSignIn): void {
  const { app, sessions, cookie } = ctx;
  // Lax, not Strict: the provider sends the browser back with a top-level navigation from its site.
  const pendingCookie = { ...cookie, sameSite: 'lax' as const, path: '/auth/callback', maxAge: 600 };

  app.get('/sign-in/oidc', async (_request, reply) => {
    const { pendingId, location } = await oidc.start();
    return reply.setCookie(PENDING_COOKIE, pendingId, pendingCookie).redirect(location, 303);
  });

  app.get('/auth/callback', async (request, reply) => {
    const signedIn = await oidc.finish(request.cookies[PENDING_COOKIE], request.url);
    void reply.clearCookie(PENDING_COOKIE, pendingCookie);
    const frame = ctx.frameOf(request, reply, null);
    if (!signedIn)
      return ctx.render(reply, <SignInPage frame={frame} identities={[]} oidc problem="signIn.failed" />, 400);
    if (!signedIn.ok) {
      const problem = signedIn.reason === 'unverified' ? 'signIn.unverified' : 'signIn.notAUser';
      return ctx.render(reply, <SignInPage frame={frame} identities={[]} oidc problem={problem} />, 403);
    }
    const { ok: _ok, ...session } = signedIn;
    void reply.setCookie(SESSION_COOKIE, sessions.open(session), cookie);
    // The session cookie is SameSite=Strict, which a browser keeps back on a redirect chain that
    // began on the provider's site: a page of our own moves on, so the next request is same-site.
    return ctx.render(reply, <SignedInPage frame={frame} to={homeOf(session)} />);
  });
}
