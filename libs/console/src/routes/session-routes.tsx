/* @jsxRuntime automatic */
import { readFileSync } from 'node:fs';
import { isLocale } from '../i18n/index.js';
import { SignInPage, type DemoIdentity } from '../pages/sign-in.js';
import type { SignIn } from '../demo-sign-in.js';
import { homeOf, LOCALE_COOKIE, SESSION_COOKIE, textOf, type ConsoleContext } from './context.js';

const CSS = readFileSync(new URL('../console.css', import.meta.url), 'utf8');

/** The stylesheet, the way in and out, and the language switch. */
export function registerSessionRoutes(
  ctx: ConsoleContext,
  identities: readonly DemoIdentity[],
  signIn: SignIn | null,
  oidc: boolean,
): void {
  const { app, sessions, cookie, posted } = ctx;
  app.get('/console.css', async (_request, reply) => reply.type('text/css').send(CSS));
  app.get('/', async (request, reply) => {
    const session = sessions.get(request.cookies[SESSION_COOKIE]);
    return reply.redirect(session ? homeOf(session) : '/sign-in', 303);
  });
  app.get('/sign-in', async (request, reply) =>
    ctx.render(
      reply,
      <SignInPage frame={ctx.frameOf(request, reply, null)} identities={signIn ? identities : []} oidc={oidc} />,
    ),
  );
  app.post('/sign-in', posted, async (request, reply) => {
    const identity = identities.find((i) => i.key === textOf(request, 'identity'));
    if (!identity || !signIn) return reply.redirect('/sign-in', 303);
    const token = await signIn(identity);
    const session = {
      token,
      name: identity.name,
      subject: identity.subject,
      accountId: identity.accountId,
      operator: identity.scopes !== undefined,
    };
    return reply.setCookie(SESSION_COOKIE, sessions.open(session), cookie).redirect(homeOf(session), 303);
  });
  app.post('/sign-out', posted, async (request, reply) => {
    sessions.close(request.cookies[SESSION_COOKIE]);
    return reply.clearCookie(SESSION_COOKIE, cookie).redirect('/sign-in', 303);
  });
  app.post('/language', posted, async (request, reply) => {
    const locale = textOf(request, 'locale');
    const back = textOf(request, 'back');
    // Only a path of this console: never an address elsewhere.
    const to = /^\/(?!\/)[\w\-/]*$/.test(back) ? back : '/';
    if (isLocale(locale)) void reply.setCookie(LOCALE_COOKIE, locale, { ...cookie, maxAge: 365 * 86_400 });
    return reply.redirect(to, 303);
  });
}
