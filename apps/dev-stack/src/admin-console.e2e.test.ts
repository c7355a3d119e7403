/**
 * The admin console over HTTP, as a browser without script would use it, beside the licensing
 * service of the dev stack: sessions in an HttpOnly cookie, a CSRF token on every form, pages in
 * the browser's language with a switch, a change with its dry run first, and a member refused with
 * the rule's message and id. In a real browser with an accessibility check: admin-console.browser.e2e.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountKind, AccountStyle, LicensingService, QueueKind, QueueRole } from '@acme/contracts';
import { buildConsole, DEMO_IDENTITIES, demoClaims } from '@acme/console';
import { createClient } from '@acme/grpc';
import { startTestStack, type TestStack } from '../test/test-stack.js';

let demo: TestStack;
let console_: Awaited<ReturnType<typeof buildConsole>>;
let base: string;

/** The owner of a sales-managed GoTo account the back office opens for the test: they buy through sales. */
let salesOwner: (typeof DEMO_IDENTITIES)[number];

beforeAll(async () => {
  demo = await startTestStack('admin-console', { billingApi: true });
  const { accountId, ownerId } = await demo.openAccount({
    name: 'Through Sales Co.',
    kind: AccountKind.SALES_MANAGED,
    style: AccountStyle.GOTO,
    currency: 'USD',
    offeringId: 'goto_business',
    owner: { email: 'owner@through-sales.example', displayName: 'Sam Sales' },
  });
  salesOwner = { key: 'sales-owner', name: 'Sam Sales', subject: ownerId, accountId };
  console_ = await buildConsole({
    licensingAddress: demo.stack.address,
    billingAddress: demo.stack.billingApi!.address,
    identities: [...DEMO_IDENTITIES, salesOwner],
    signIn: (identity: (typeof DEMO_IDENTITIES)[number]) => demo.sign(demoClaims(identity)),
    oidc: null,
    secureCookies: false,
  });
  base = await console_.app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await console_?.close();
  await demo?.stop();
});

/** A browser: keeps cookies, sends a language, follows nothing on its own. */
class Browser {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly language = 'en') {}

  async get(path: string) {
    return this.send(path, { method: 'GET' });
  }

  async post(path: string, fields: [string, string][]) {
    return this.send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /**
   * Posts a form of `page` (found by its action) as a browser would: its hidden fields (the CSRF
   * token among them), with `fields` in place of any hidden field of the same name.
   */
  async submit(page: string, action: string, fields: [string, string][]) {
    // A post form (a search form may name the same address with method="get").
    const form = new RegExp(
      `<form(?=[^>]*method="post")[^>]*action="${action.replace(/[/.]/g, '\\$&')}"[\\s\\S]*?</form>`,
    ).exec(page);
    expect(form, `a form posting to ${action}`).not.toBeNull();
    const given = new Set(fields.map(([name]) => name));
    const hidden = [...form![0].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)]
      .map((m) => [m[1]!, unescapeHtml(m[2]!)] as [string, string])
      .filter(([name]) => !given.has(name));
    return this.post(action, [...hidden, ...fields]);
  }

  cookie(name: string) {
    return this.cookies.get(name);
  }

  private async send(path: string, init: RequestInit) {
    const response = await fetch(`${base}${path}`, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        'accept-language': this.language,
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const set of response.headers.getSetCookie()) {
      const [pair, ...attributes] = set.split(';').map((s) => s.trim());
      const [name, value] = pair!.split('=') as [string, string];
      if (value === '' || attributes.some((a) => /^Expires=Thu, 01 Jan 1970/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return {
      status: response.status,
      location: response.headers.get('location'),
      headers: response.headers,
      html: await response.text(),
    };
  }
}

/** An attribute value as the browser reads it. */
const unescapeHtml = (value: string) =>
  value
    .replaceAll('&quot;', '"')
    .replaceAll('&#x27;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

async function signedIn(key: string, language = 'en') {
  const browser = new Browser(language);
  const page = await browser.get('/sign-in');
  const identity = [...DEMO_IDENTITIES, salesOwner].find((i) => i.key === key)!;
  const form = new RegExp(
    `<form[^>]*action="/sign-in"[^>]*>(?:(?!</form>)[\\s\\S])*value="${identity.key}"[\\s\\S]*?</form>`,
  ).exec(page.html)![0];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;
  const answer = await browser.post('/sign-in', [
    ['_csrf', csrf],
    ['identity', identity.key],
  ]);
  expect(answer).toMatchObject({ status: 303, location: identity.scopes ? '/back-office' : '/products' });
  return browser;
}

describe('admin console', () => {
  it('sends a stranger to sign in, and keeps the token on the server behind an HttpOnly cookie', async () => {
    const stranger = new Browser();
    expect(await stranger.get('/products')).toMatchObject({ status: 303, location: '/sign-in' });
    const page = await stranger.get('/sign-in');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.html).toContain('Sign in as Ada Admin (GoTo, super admin)');
    // Without the CSRF token nothing happens.
    expect((await stranger.post('/sign-in', [['identity', 'goto-super-admin']])).status).toBe(403);
    const response = await fetch(`${base}/sign-in`, { redirect: 'manual' });
    const csrfCookie = response.headers.getSetCookie().find((c) => c.startsWith('_csrf='));
    expect(csrfCookie).toMatch(/HttpOnly/i);
    const admin = await signedIn('goto-super-admin');
    const session = admin.cookie('console_session')!;
    expect(session).toMatch(/^[\w-]{43}$/);
    expect(session).not.toContain('.'); // an id, not a JWT
  });

  it('shows the products with seats and features, in the browser language and after the switch', async () => {
    const admin = await signedIn('goto-super-admin', 'es-ES,es;q=0.9');
    const products = await admin.get('/products');
    expect(products.status).toBe(200);
    expect(products.html).toContain('<html lang="es">');
    expect(products.html).toContain('Compradas');
    expect(products.html).toMatch(/GoTo Connect/);
    expect(products.html).toMatch(/por licencia/);
    const german = await admin.submit(products.html, '/language', [
      ['locale', 'de'],
      ['back', '/products'],
    ]);
    expect(german).toMatchObject({ status: 303, location: '/products' });
    const page = await admin.get('/products');
    expect(page.html).toContain('<html lang="de">');
    expect(page.html).toContain('Offene Verkaufsaufträge');
  });

  it('adds products with a feature off: the dry run first, then the change', async () => {
    const admin = await signedIn('goto-super-admin', 'it');
    const users = await admin.get('/users?q=cy');
    expect(users.html).toContain('<a href="/users/usr_demo_goto_manager">Cy Manager</a>');
    expect(users.html).not.toContain('Bo Agent');
    const user = await admin.get('/users/usr_demo_goto_manager');
    const action = '/users/usr_demo_goto_manager/products';
    const fields: [string, string][] = [
      ['product', 'goto_connect_standard'],
      ['offered:goto_connect_standard', 'phone_number'],
      ['offered:goto_connect_standard', 'voicemail'],
      ['feature:goto_connect_standard', 'phone_number'],
      ['dryRun', '1'],
    ];
    const dry = await admin.submit(user.html, action, fields);
    expect(dry.status).toBe(200);
    expect(dry.html).toContain('Simulazione: questa modifica è consentita');
    expect((await admin.get('/users?q=cy')).html).not.toMatch(/<td>[^<]*goto_connect_standard[^<]*<\/td>/);
    const done = await admin.submit(
      dry.html,
      action,
      fields.filter(([name]) => name !== 'dryRun'),
    );
    expect(done.html).toContain('1 prodotto aggiunto');
    // Held, with the feature left unticked switched off.
    expect(done.html).toMatch(
      /GoTo Connect Standard <span class="product-id">\(goto_connect_standard\)<\/span> · disattivate: voicemail/,
    );
    expect((await admin.get('/users?q=cy')).html).toMatch(/<td>[^<]*goto_connect_standard[^<]*<\/td>/);
  });

  it('adds a user with products (dry run first, all or nothing), then deactivates them, freeing the seats', async () => {
    const admin = await signedIn('goto-super-admin', 'es');
    const usage = async () =>
      Number(/GoTo Meeting[\s\S]*?<\/th><td>\d+<\/td><td>(\d+)<\/td>/.exec((await admin.get('/products')).html)![1]);
    const assignedBefore = await usage();
    const form = await admin.get('/users/new');
    expect(form.html).toContain('Añadir un usuario');
    const fields: [string, string][] = [
      ['email', 'nuevo@demo-goto.test'],
      ['displayName', 'Nuria Nueva'],
      ['role', 'member'],
      ['product', 'goto_meeting'],
      ['dryRun', '1'],
    ];
    const dry = await admin.submit(form.html, '/users', fields);
    expect(dry.status).toBe(200);
    expect(dry.html).toContain('Simulación: este cambio está permitido');
    // What was typed stays in the form.
    expect(dry.html).toContain('value="nuevo@demo-goto.test"');
    expect((await admin.get('/users?q=nuria')).html).toContain('Ningún usuario coincide');
    const created = await admin.submit(
      dry.html,
      '/users',
      fields.filter(([name]) => name !== 'dryRun'),
    );
    expect(created.html).toContain('Nuria Nueva añadido con 1 producto.');
    expect(created.html).toContain('(goto_meeting)');
    expect(await usage()).toBe(assignedBefore + 1);
    const userId = /action="\/users\/(usr_\w+)\/deactivate"/.exec(created.html)![1]!;
    // Found by the service's search, in any case.
    expect((await admin.get('/users?q=NURIA')).html).toContain(`<a href="/users/${userId}">Nuria Nueva</a>`);
    // The same email again: refused, nothing added.
    const again = await admin.submit(
      form.html,
      '/users',
      fields.filter(([name]) => name !== 'dryRun'),
    );
    expect(again.status).toBe(409);
    expect(again.html).toMatch(/role="alert"/);
    expect(await usage()).toBe(assignedBefore + 1);

    const dryOff = await admin.submit(created.html, `/users/${userId}/deactivate`, [['dryRun', '1']]);
    expect(dryOff.html).toContain('Simulación: este cambio está permitido');
    expect(await usage()).toBe(assignedBefore + 1);
    const off = await admin.submit(dryOff.html, `/users/${userId}/deactivate`, []);
    expect(off.html).toContain('Desactivado: 1 licencia liberada, en ninguna cola.');
    expect(off.html).toContain('<dd>Desactivado</dd>');
    expect(await usage()).toBe(assignedBefore);
    const on = await admin.submit(off.html, `/users/${userId}/reactivate`, []);
    expect(on.html).toContain('Reactivado.');
    expect(on.html).toContain('Ningún producto.');
  });

  it('pages through the users the service finds', async () => {
    const api = createClient(LicensingService, demo.stack.address, {
      token: await demo.sign({ subject: 'usr_demo_zendesk_owner', accountId: 'acct_demo_zendesk' }),
    });
    const made: string[] = [];
    for (let i = 0; i < 30; i++) {
      const { user } = await api.createUser({ email: `p${i}@paging.example`, displayName: `Paged ${i}` });
      made.push(user!.id);
    }
    api.close();
    const admin = await signedIn('zendesk-owner');
    const seen: string[] = [];
    let path = '/users?q=PAGING.example';
    let pages = 0;
    for (; path && pages < 10; pages++) {
      const page = await admin.get(path);
      seen.push(...[...page.html.matchAll(/<a href="\/users\/(usr_\w+)">/g)].map((m) => m[1]!));
      const next = /<a href="(\/users\?[^"]+)">Next users<\/a>/.exec(page.html)?.[1];
      path = next ? unescapeHtml(next) : '';
    }
    expect(pages).toBe(2);
    expect(seen).toEqual([...made].sort());
  });

  it("shows a member the rule's message and id, and changes nothing", async () => {
    const member = await signedIn('goto-member', 'fr');
    const users = await member.get('/users/usr_demo_goto_agent');
    const refused = await member.submit(users.html, '/users/usr_demo_goto_agent/products', [
      ['product', 'goto_meeting'],
    ]);
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('Non autorisé');
    expect(refused.html).toContain('who-may-act.assign-and-unassign');
    expect(refused.html).toContain('Assigning or removing licenses needs the super admin or admin role');
    expect(refused.html).toMatch(/role="alert"/);
  });

  it('removes GoTo Connect from an agent in a queue: the Contact Center warning on the dry run, then the removal', async () => {
    // Bo Agent answers a call queue (set up through the API: the queues page is still to come).
    const api = createClient(LicensingService, demo.stack.address, { token: demo.stack.token });
    const queue = (await api.createQueue({ kind: QueueKind.CALL, name: 'Support line' })).queue!.id;
    await api.addQueueMember({ queueId: queue, userId: 'usr_demo_goto_agent', role: QueueRole.AGENT });
    api.close();
    const admin = await signedIn('goto-super-admin');
    const users = await admin.get('/users/usr_demo_goto_agent');
    const action = '/users/usr_demo_goto_agent/remove-products';
    const dry = await admin.submit(users.html, action, [
      ['product', 'goto_connect_standard'],
      ['dryRun', '1'],
    ]);
    expect(dry.status).toBe(200);
    expect(dry.html).toContain('Dry run: this change is allowed');
    expect(dry.html).toMatch(
      /Note: usr_demo_goto_agent is still in 1 contact-center queue\(s\): Contact Center billing continues/,
    );
    const done = await admin.submit(dry.html, action, [
      ['product', 'goto_connect_standard'],
      ['removeFromQueues', '1'],
    ]);
    expect(done.html).toContain('1 product removed');
    expect(done.html).not.toContain('contact-center queue(s)');
    expect(done.html).not.toContain('(goto_connect_standard)');
  });

  it('previews a Zendesk seat reduction with who is downgraded, in order, then confirms it', async () => {
    const owner = await signedIn('zendesk-owner', 'de');
    const seats = await owner.get('/seats');
    expect(seats.html).toContain('Lizenzen reduzieren');
    const suiteTarget = /name="target" value="(suite:[^"]+)"/.exec(seats.html)![1]!;
    const preview = await owner.submit(seats.html, '/seats', [
      ['target', suiteTarget],
      ['newTotal', '1'],
      ['order', 'alphabetical'],
    ]);
    expect(preview.status).toBe(200);
    expect(preview.html).toContain('Was diese Reduzierung bewirkt');
    expect(preview.html).toMatch(/5 → 1 Lizenzen/);
    const downgraded = [...preview.html.matchAll(/<ol>([\s\S]*?)<\/ol>/g)].map((m) => m[1]!).join('');
    // By name, in the order they lose the suite (alphabetical, as asked; the owner too: a seat is a seat).
    expect(downgraded).toBe('<li>Olga Owner</li><li>Pia Agent</li><li>Quinn Agent</li>');
    // Nothing changed yet.
    expect((await owner.get('/seats')).html).toMatch(/max="5"/);
    const form = /<form[^>]*action="\/seats"[^>]*>(?:(?!<\/form>)[\s\S])*name="confirm"[\s\S]*?<\/form>/.exec(
      preview.html,
    )![0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1]!;
    const fields = [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map(
      (m) => [m[1]!, m[2]!] as [string, string],
    );
    const done = await owner.post('/seats', [['_csrf', csrf], ...fields.filter(([name]) => name !== '_csrf')]);
    expect(done.html).toContain('Lizenzen reduziert.');
    expect(done.html).not.toMatch(/max="5"/);
  });

  it('runs queues by tab: a refused join with its rule, an agent added, then removed from every queue', async () => {
    const admin = await signedIn('goto-super-admin');
    let page = await admin.get('/queues');
    page = await admin.submit(page.html, '/queues', [
      ['name', 'Escalations'],
      ['kind', 'inbound'],
    ]);
    expect(page.html).toContain('Escalations');
    const queueId = /<h3 id="queue-(q_[a-z0-9]+)">Escalations<\/h3>/.exec(page.html)![1]!;
    const supervisors = await admin.get('/queues?tab=supervisors');
    expect(supervisors.html).toMatch(/href="\/queues\?tab=supervisors" aria-current="page"/);
    // Cy Manager holds no Contact Center license: the rules refuse, and say which rule.
    const refused = await admin.submit(supervisors.html, `/queues/${queueId}/members`, [
      ['user', 'usr_demo_goto_manager'],
      ['tab', 'supervisors'],
    ]);
    expect(refused.status).toBe(409);
    expect(refused.html).toContain('contact-center.joining-a-queue-requires-contact-center');
    // The dry run of the join says it is allowed, and what the rules note, and joins nobody.
    const dryJoin = await admin.submit(refused.html, `/queues/${queueId}/members`, [
      ['user', 'usr_demo_goto_agent'],
      ['tab', 'agents'],
      ['dryRun', '1'],
    ]);
    expect(dryJoin.html).toContain('Dry run: this change is allowed');
    expect(dryJoin.html).not.toContain('Remove Bo Agent from Escalations');
    const joined = await admin.submit(refused.html, `/queues/${queueId}/members`, [
      ['user', 'usr_demo_goto_agent'],
      ['tab', 'agents'],
    ]);
    expect(joined.html).toContain('Done.');
    expect(joined.html).toContain('Remove Bo Agent from Escalations');
    const left = await admin.submit(joined.html, '/queues/remove-all', [['user', 'usr_demo_goto_agent']]);
    expect(left.html).toContain('Removed from 1 queue.');
    expect(left.html).not.toContain('Remove Bo Agent from');
  });

  it("offers the queues' pickers from the service's search, never a truncated list of everyone", async () => {
    const api = createClient(LicensingService, demo.stack.address, { token: demo.stack.token });
    for (let i = 0; i < 55; i++)
      await api.createUser({ email: `picker${i}@picking.example`, displayName: `Picker ${i}` });
    api.close();
    const admin = await signedIn('goto-super-admin');
    const options = (html: string) =>
      [
        ...(/<select id="remove-all-user"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1] ?? '').matchAll(
          /<option [^>]*>([^<]+)</g,
        ),
      ].map((m) => m[1]);
    const all = await admin.get('/queues');
    expect(options(all.html)).toHaveLength(50);
    expect(all.html).toContain('More users match than are offered below');
    const found = await admin.get('/queues?who=picker 54');
    expect(options(found.html)).toEqual(['Picker 54']);
    expect(found.html).not.toContain('More users match');
    // A post keeps the search: the page it shows offers the same users.
    const left = await admin.submit(found.html, '/queues/remove-all', [
      ['user', /value="(usr_\w+)">Picker 54</.exec(found.html)![1]!],
    ]);
    expect(left.html).toContain('The user was in no queue.');
    expect(options(left.html)).toEqual(['Picker 54']);
  });

  it("keeps a removed GoTo Connect's phone configuration until its purge date, and restores it", async () => {
    // Cy Manager got GoTo Connect above; give the line an extension through the API.
    const api = createClient(LicensingService, demo.stack.address, { token: demo.stack.token });
    await api.updatePhoneConfiguration({ userId: 'usr_demo_goto_manager', extension: '31' });
    api.close();
    const admin = await signedIn('goto-super-admin', 'de');
    const users = await admin.get('/users/usr_demo_goto_manager');
    await admin.submit(users.html, '/users/usr_demo_goto_manager/remove-products', [
      ['product', 'goto_connect_standard'],
    ]);
    const kept = await admin.get('/users/usr_demo_goto_manager/phone');
    expect(kept.html).toContain('Telefonkonfiguration von Cy Manager');
    expect(kept.html).toMatch(/Nach dem Entfernen von GoTo Connect aufbewahrt bis \d{1,2}\. [A-Za-zä]+ \d{4}/);
    expect(kept.html).toContain('<dd>31</dd>');
    const dryRestore = await admin.submit(kept.html, '/users/usr_demo_goto_manager/phone/restore', [['dryRun', '1']]);
    expect(dryRestore.html).toContain('Probelauf: Diese Änderung ist erlaubt');
    expect(dryRestore.html).toMatch(/Nach dem Entfernen von GoTo Connect aufbewahrt bis/);
    const restored = await admin.submit(kept.html, '/users/usr_demo_goto_manager/phone/restore', []);
    expect(restored.html).toContain('Die Telefonkonfiguration ist wiederhergestellt.');
    expect(restored.html).toContain('In Verwendung mit GoTo Connect.');
    expect(restored.html).toContain('<dd>31</dd>');
  });

  it('prices a cart before buying, then charges exactly what the admin was shown', async () => {
    const admin = await signedIn('goto-super-admin');
    const before = await admin.get('/products');
    const meetingBefore = Number(/GoTo Meeting[\s\S]*?<\/th><td>(\d+)<\/td>/.exec(before.html)![1]);
    const cart = await admin.get('/cart');
    const review = await admin.submit(cart.html, '/cart', [['qty:product:goto_meeting', '2']]);
    expect(review.status).toBe(200);
    const total = /Total charged now: ([^<]+)<\/h2>/.exec(review.html)![1]!;
    expect(total).toMatch(/^\$\d/);
    expect(review.html).toContain('Does the price differ from your usual rate? Contact support');
    expect(review.html).toMatch(/GoTo Meeting × 2/);
    // Nothing bought by the review.
    expect((await admin.get('/products')).html).toContain(`<td>${meetingBefore}</td>`);
    const bought = await admin.submit(review.html, '/cart/buy', []);
    expect(bought.html).toContain(`Bought: ${total} charged.`);
    const after = await admin.get('/products');
    expect(Number(/GoTo Meeting[\s\S]*?<\/th><td>(\d+)<\/td>/.exec(after.html)![1])).toBe(meetingBefore + 2);
  });

  it('a Zendesk owner buys a whole suite: one line per product, in Spanish', async () => {
    const owner = await signedIn('zendesk-owner', 'es');
    const cart = await owner.get('/cart');
    const suite = /name="(qty:suite:[^"]+)"/.exec(cart.html)![1]!;
    const review = await owner.submit(cart.html, '/cart', [[suite, '1']]);
    expect(review.html).toContain('Total que se cobra ahora');
    expect(review.html.match(/× 1<\/th>/g)!.length).toBeGreaterThan(1);
    const bought = await owner.submit(review.html, '/cart/buy', []);
    expect(bought.html).toMatch(/Comprado: se han cobrado/);
  });

  it('sends a sales-managed account to sales, with the 48-hour note; the back office completes the order', async () => {
    const owner = await signedIn('sales-owner', 'it');
    const cart = await owner.get('/cart');
    const quantity = /name="(qty:product:goto_meeting)"/.exec(cart.html);
    // The account has bought nothing yet: the cart offers what its offering sells.
    const field = quantity?.[1] ?? /name="(qty:[^"]+)"/.exec(cart.html)![1]!;
    const review = await owner.submit(cart.html, '/cart', [[field, '3']]);
    expect(unescapeHtml(review.html)).toContain("Richiedi queste licenze all'ufficio vendite");
    expect(review.html).toContain('risponde entro 48 ore');
    expect(review.html).not.toContain('/cart/buy');
    const sent = await owner.submit(review.html, '/cart/sales', []);
    expect(unescapeHtml(sent.html)).toMatch(/Richiesta inviata all'ufficio vendite \(ordini so_[a-z0-9]+\)/);
    const orderId = /\(ordini (so_[a-z0-9]+)\)/.exec(unescapeHtml(sent.html))![1]!;

    // The back office completes the order: an operator, not the account's administrator.
    expect(await owner.get('/back-office')).toMatchObject({ status: 303, location: '/products' });
    const operator = await signedIn('operator');
    expect(await operator.get('/products')).toMatchObject({ status: 303, location: '/back-office' });
    const accounts = await operator.get('/back-office');
    expect(accounts.html).toContain(`<a href="/back-office/accounts/${salesOwner.accountId}">Through Sales Co.</a>`);
    const account = await operator.get(`/back-office/accounts/${salesOwner.accountId}`);
    expect(account.html).toMatch(
      new RegExp(`\\(order ${orderId}\\)</h3><p>Requested by ${salesOwner.subject} on [^<]+ · pending`),
    );
    const action = `/back-office/accounts/${salesOwner.accountId}/orders/${orderId}/complete`;
    const dry = await operator.submit(account.html, action, [['dryRun', '1']]);
    expect(dry.html).toContain('Dry run: this change is allowed');
    // Nothing bought yet: no seat of anything.
    expect(dry.html).not.toContain('<th scope="row">GoTo Meeting</th>');
    // The language switch of a page shown after a post comes back to the page, not to the post.
    expect(dry.html).toContain(`name="back" value="/back-office/accounts/${salesOwner.accountId}"`);
    const done = await operator.submit(dry.html, action, []);
    expect(done.html).toContain(`Order ${orderId} completed: 3 seats added.`);
    expect(done.html).toContain('<th scope="row">GoTo Meeting</th><td>3</td><td>0</td><td>0</td>');
    expect(done.html).toContain(' · completed');
    // Completing it again is refused with the service's reason, nothing added twice.
    const again = await operator.submit(dry.html, action, []);
    expect(again.status).toBe(409);
    expect(again.html).toMatch(/role="alert"/);
    expect((await owner.get('/products')).html).toMatch(/<td>3<\/td>/);
  });

  it('previews the invoice, and answers why a line is charged down to the request in the audit log', async () => {
    // An agent of a call queue is billed for Contact Center (set up through the API, with a request id of ours).
    const api = createClient(LicensingService, demo.stack.address, { token: demo.stack.token });
    const queue = (await api.createQueue({ kind: QueueKind.CALL, name: 'Billing line' })).queue!.id;
    await api.assignLicenses({ userId: 'usr_demo_goto_manager', products: [{ productId: 'goto_contact_center' }] });
    await api.addQueueMember(
      { queueId: queue, userId: 'usr_demo_goto_manager', role: QueueRole.AGENT },
      { metadata: { 'x-request-id': 'req-console-join' } },
    );
    api.close();
    const admin = await signedIn('goto-super-admin', 'fr');
    // The ledger is fed after the change commits: wait until billing has the join.
    let invoice = await admin.get('/invoice');
    await expect
      .poll(async () => (invoice = await admin.get('/invoice')).html, { timeout: 60_000 })
      .toContain('GoTo Contact Center · Cy Manager');
    expect(invoice.status).toBe(200);
    expect(invoice.html).toMatch(/Aperçu de la facture : [a-zéû]+ \d{4}/);
    expect(invoice.html).toContain('par licence achetée');
    expect(invoice.html).toContain('par utilisateur dans une file');
    expect(invoice.html).toMatch(/Total : [^<]*\$/);

    const member = /href="(\/invoice\/why\?[^"]*user=usr_demo_goto_manager[^"]*)"/.exec(invoice.html)![1]!;
    const why = await admin.get(unescapeHtml(member));
    expect(why.status).toBe(200);
    expect(why.html).toContain('Pourquoi GoTo Contact Center · Cy Manager est-il facturé ?');
    expect(why.html).toContain('contact_center.billing_started');
    expect(why.html).toContain('toujours ouvert');
    expect(why.html).toContain('href="/audit?request=req-console-join"');
    const audit = await admin.get('/audit?request=req-console-join');
    expect(audit.html).toContain('Entrées de la requête req-console-join');
    // That request's entry only: the join, not the assignment made before it.
    expect([...audit.html.matchAll(/<th scope="row">([^<]+)<\/th>/g)].map((m) => m[1])).toEqual(['queue.member_added']);

    const seats = /href="(\/invoice\/why\?month=[\d-]+&amp;product=goto_meeting)"/.exec(invoice.html)![1]!;
    const seatWhy = await admin.get(unescapeHtml(seats));
    expect(seatWhy.html).toContain('Ce produit est facturé pour chaque licence achetée');
    expect(seatWhy.html).toContain('Licences achetées au cours du mois');
    expect(seatWhy.html).toMatch(/<td>\+\d+<\/td>/);
    expect(seatWhy.html).toContain('seats.purchased');
    // A member may not read the account's billing: the refusal as a page, not an error.
    const member_ = await signedIn('goto-member');
    const refused = await member_.get('/invoice');
    expect(refused.status).toBe(403);
    expect(refused.html).toMatch(/role="alert"/);
    expect(refused.html).toContain('administrator');
    // Another account's user is nobody here.
    expect((await admin.get('/users/usr_demo_zendesk_owner')).status).toBe(404);
  });

  it("lists the account's audit log with who, what and which request", async () => {
    const admin = await signedIn('goto-super-admin', 'fr');
    const page = unescapeHtml((await admin.get('/audit')).html);
    expect(page).toContain("Journal d'audit");
    expect(page).toContain('license.assigned');
    expect(page).toContain('<td>usr_demo_goto_admin</td>');
  });
});
