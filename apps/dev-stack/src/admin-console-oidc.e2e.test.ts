/**
 * The console's production sign-in, over HTTP against a real OpenID Provider (oidc-provider, its
 * development login page): Authorization Code with PKCE, the person found among the account's
 * users by their verified email and signed in as that user; an operator by their group; nobody
 * for an unverified email, an email the account does not know, another account's claim, or a
 * callback this browser did not start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, tokenMinter } from '@acme/console';
import { freePort } from '@acme/testing';
import { startTestStack, type TestStack } from '../test/test-stack.js';
import { startTestIdentityProvider, type TestIdentityProvider } from '../test/test-identity-provider.js';

let demo: TestStack;
let idp: TestIdentityProvider;
let console_: Awaited<ReturnType<typeof buildConsole>>;
let base: string;

const PEOPLE = {
  ada: { email: 'ADA@demo-goto.test', email_verified: true, name: 'Ada L.', org_id: 'acct_demo_goto' },
  unverified: { email: 'ada@demo-goto.test', email_verified: false, name: 'Ada?', org_id: 'acct_demo_goto' },
  stranger: { email: 'nobody@demo-goto.test', email_verified: true, name: 'Nobody', org_id: 'acct_demo_goto' },
  elsewhere: { email: 'ada@demo-goto.test', email_verified: true, name: 'Ada', org_id: 'acct_demo_zendesk' },
  oli: { email: 'oli@acme.example', email_verified: true, name: 'Oli Ops', groups: ['licensing-operators'] },
};

beforeAll(async () => {
  demo = await startTestStack('admin-console-oidc');
  idp = await startTestIdentityProvider(PEOPLE);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  console_ = await buildConsole({
    licensingAddress: demo.stack.address,
    billingAddress: null,
    identities: [],
    signIn: null,
    oidc: {
      options: {
        issuerUrl: idp.issuer,
        clientId: 'admin-console',
        clientSecret: 'a-client-secret-for-tests-only',
        publicUrl: base,
        accountClaim: 'org_id',
        operatorGroup: 'licensing-operators',
        allowHttp: true,
        maxPending: 3,
      },
      mint: tokenMinter(demo.privateJwk, 'acme-dev', 'licensing'),
    },
    secureCookies: false,
  });
  await console_.app.listen({ host: '127.0.0.1', port });
  idp.serve({
    clientId: 'admin-console',
    clientSecret: 'a-client-secret-for-tests-only',
    redirectUri: `${base}/auth/callback`,
  });
});

afterAll(async () => {
  await console_?.close();
  await idp?.close();
  await demo?.stop();
});

/** A browser of cookies per origin that follows redirects itself (the console and the provider are two sites). */
class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  private jar(url: string) {
    const origin = new URL(url).origin;
    if (!this.jars.has(origin)) this.jars.set(origin, new Map());
    return this.jars.get(origin)!;
  }

  cookie(url: string, name: string) {
    return this.jar(url).get(name);
  }

  /** Requests `url` and follows redirects; answers the last response and where it was. */
  async go(url: string, init: RequestInit = {}): Promise<{ status: number; url: string; html: string }> {
    for (let hops = 0; hops < 20; hops++) {
      const jar = this.jar(url);
      const response = await fetch(url, {
        ...init,
        redirect: 'manual',
        headers: {
          ...(init.headers as Record<string, string>),
          cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      });
      for (const set of response.headers.getSetCookie()) {
        const [pair, ...attributes] = set.split(';').map((s) => s.trim());
        const name = pair!.slice(0, pair!.indexOf('='));
        const value = pair!.slice(pair!.indexOf('=') + 1);
        if (!value || attributes.some((a) => /^(max-age=0|expires=thu, 01 jan 1970)/i.test(a))) jar.delete(name);
        else jar.set(name, value);
      }
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location)
        return { status: response.status, url, html: await response.text() };
      url = new URL(location, url).href;
      init = {};
    }
    throw new Error('too many redirects');
  }

  /** Posts the page's form (the provider's login or consent page) with `fields`. */
  async submit(page: { url: string; html: string }, fields: Record<string, string>) {
    const action = /<form[^>]*action="([^"]+)"/.exec(page.html)![1]!.replaceAll('&amp;', '&');
    return this.go(new URL(action, page.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

/** Signs in at the provider as `login`: its login page, then its consent page. */
async function signInAs(login: keyof typeof PEOPLE) {
  const browser = new Browser();
  const signInPage = await browser.go(`${base}/sign-in`);
  expect(signInPage.html).toContain('href="/sign-in/oidc"');
  let page = await browser.go(`${base}/sign-in/oidc`);
  expect(page.url.startsWith(idp.issuer)).toBe(true);
  expect(page.html).toContain('name="prompt" value="login"');
  page = await browser.submit(page, { prompt: 'login', login, password: 'anything' });
  if (page.html.includes('name="prompt" value="consent"')) page = await browser.submit(page, { prompt: 'consent' });
  expect(page.url.startsWith(`${base}/auth/callback?`)).toBe(true);
  return { browser, page };
}

describe('console sign-in through the identity provider', () => {
  it('signs a person in as the account user with their verified email, with PKCE and a one-time callback', async () => {
    const { browser, page } = await signInAs('ada');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<meta http-equiv="refresh" content="0;url=/products"/>');
    const session = browser.cookie(base, 'console_session');
    expect(session).toMatch(/^[\w-]{43}$/);
    // The pending sign-in is used once: the same callback again lets nobody in.
    expect((await browser.go(page.url)).status).toBe(400);
    const products = await browser.go(`${base}/products`);
    expect(products.status).toBe(200);
    expect(products.html).toContain('Ada Admin · acct_demo_goto');
  });

  it.each([
    ['unverified', 403, 'did not confirm your email address'],
    ['stranger', 403, 'is not an active user here'],
    ['elsewhere', 403, 'is not an active user here'],
  ] as const)('lets nobody in as %s (%i)', async (login, status, message) => {
    const { browser, page } = await signInAs(login);
    expect(page.status).toBe(status);
    expect(page.html).toContain(message);
    expect(page.html).toMatch(/role="alert"/);
    expect(browser.cookie(base, 'console_session')).toBeUndefined();
    expect((await browser.go(`${base}/products`)).url).toBe(`${base}/sign-in`);
  });

  it('signs an operator in by their group, to the back office', async () => {
    const { browser, page } = await signInAs('oli');
    expect(page.html).toContain('content="0;url=/back-office"');
    const office = await browser.go(`${base}/back-office`);
    expect(office.html).toContain('Oli Ops');
    expect(office.html).toContain('/back-office/accounts/acct_demo_goto');
  });

  it('holds a bounded number of sign-ins under way: a flood of starts pushes out the oldest', async () => {
    const first = new Browser();
    let page = await first.go(`${base}/sign-in/oidc`);
    for (let i = 0; i < 3; i++) await new Browser().go(`${base}/sign-in/oidc`);
    page = await first.submit(page, { prompt: 'login', login: 'ada', password: 'anything' });
    if (page.html.includes('name="prompt" value="consent"')) page = await first.submit(page, { prompt: 'consent' });
    expect(page.url.startsWith(`${base}/auth/callback?`)).toBe(true);
    expect(page.status).toBe(400);
    expect(page.html).toContain('could not be completed');
    // The newest are still good.
    expect((await signInAs('ada')).page.status).toBe(200);
  });

  it('refuses a callback this browser did not start, and one whose state was changed', async () => {
    const stranger = new Browser();
    const forged = await stranger.go(`${base}/auth/callback?code=x&state=y&iss=${encodeURIComponent(idp.issuer)}`);
    expect(forged.status).toBe(400);
    expect(forged.html).toContain('could not be completed');
    // A real start, then a callback with another state: the provider's answer is not trusted.
    const browser = new Browser();
    await browser.go(`${base}/sign-in/oidc`);
    const tampered = await browser.go(
      `${base}/auth/callback?code=x&state=tampered&iss=${encodeURIComponent(idp.issuer)}`,
    );
    expect(tampered.status).toBe(400);
    expect(browser.cookie(base, 'console_session')).toBeUndefined();
  });
});
