/**
 * The admin console in a real browser (Debian's Chromium, driven by Playwright), as the articles'
 * administrators walk it: the GoTo procedure of articles 000-003 end to end (buy with the card on
 * file, a new user with two products and a feature off, a queue, the invoice and why it charges,
 * GoTo Connect removed with the Contact Center warning, every queue left, the phone line kept and
 * restored) in English and Spanish; the Zendesk one of article 004 (the owner buys a suite, then
 * reduces it after the downgrade preview) in Italian and German; a member refused with the rule's
 * message and id; the keyboard's way in; and no accessibility violation of serious or critical
 * impact on any page visited (axe).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildConsole, DEMO_IDENTITIES, demoClaims, translator, type Translate } from '@acme/console';
import { AccountKind, AccountStyle, LicensingService } from '@acme/contracts';
import { createClient } from '@acme/grpc';
import { startTestStack, type TestStack } from '../test/test-stack.js';

/** A whole article's procedure in the browser: the bound only catches a hang. */
const JOURNEY_TIMEOUT = 600_000;

/** Debian's chromium package (.ci/run installs it); CHROMIUM_PATH for another. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let demo: TestStack;
let console_: Awaited<ReturnType<typeof buildConsole>>;
let base: string;
let browser: Browser;

beforeAll(async () => {
  demo = await startTestStack('admin-console-browser', { billingApi: true });
  console_ = await buildConsole({
    licensingAddress: demo.stack.address,
    billingAddress: demo.stack.billingApi!.address,
    identities: DEMO_IDENTITIES,
    signIn: (identity: (typeof DEMO_IDENTITIES)[number]) => demo.sign(demoClaims(identity)),
    oidc: null,
    secureCookies: false,
  });
  base = await console_.app.listen({ host: '127.0.0.1', port: 0 });
  // As root (CI) Chromium needs --no-sandbox.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await console_?.close();
  await demo?.stop();
});

/** Serious and critical accessibility violations of the page as it is now. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

async function signIn(locale: string, name: RegExp, home = '/products'): Promise<Page> {
  const context = await browser.newContext({ locale });
  // Playwright's own waits, like the tests' timeouts, only catch hangs: a busy machine is slow, not wrong.
  context.setDefaultTimeout(120_000);
  const page = await context.newPage();
  await page.goto(`${base}/`);
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.getByRole('button', { name }).click();
  await page.waitForURL(`${base}${home}`);
  return page;
}

/** The text of a message up to where `placeholder` goes: what a label or button starts with whatever fills it. */
function prefix(t: Translate, key: Parameters<Translate>[0], placeholder: string): RegExp {
  const before = t(key, { [placeholder]: '\u0000' }).split('\u0000')[0]!;
  return new RegExp(`^${before.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
}

/** Reviews a priced cart and buys it; the status must name exactly the total the review showed. */
async function buyCart(page: Page, t: Translate, quantities: Record<string, string>) {
  await page
    .getByRole('navigation', { name: t('nav.main') })
    .getByRole('link', { name: t('nav.cart') })
    .click();
  for (const [label, quantity] of Object.entries(quantities)) {
    await page.getByLabel(t('cart.quantity', { product: label }), { exact: true }).fill(quantity);
  }
  await page.getByRole('button', { name: t('cart.review') }).click();
  const heading = page.getByRole('heading', { name: prefix(t, 'cart.total', 'total') });
  await expect.poll(() => heading.count()).toBe(1);
  const total = (await heading.textContent())!.replace(prefix(t, 'cart.total', 'total'), '');
  expect(await page.getByRole('main').textContent()).toContain(t('cart.support'));
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.getByRole('button', { name: t('cart.buy', { total }) }).click();
  await expect.poll(() => page.getByRole('status').textContent()).toContain(t('cart.bought', { total }));
}

/** Opens a user's page from the users list, found by the service's search. */
async function openUser(page: Page, t: Translate, name: string) {
  await page
    .getByRole('navigation', { name: t('nav.main') })
    .getByRole('link', { name: t('nav.users') })
    .click();
  await page.getByLabel(t('users.search')).fill(name);
  await page.getByLabel(t('users.search')).press('Enter');
  await page.getByRole('link', { name, exact: true }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(name);
}

describe('admin console in Chromium', () => {
  it.each([
    { locale: 'en-US', lang: 'en' as const },
    { locale: 'es-ES', lang: 'es' as const },
  ])(
    'walks the GoTo articles 000-003 from the purchase to the restored phone line ($locale)',
    async ({ locale, lang }) => {
      const t = translator(lang);
      const name = `Journey ${lang}`;
      const queueName = `Sales ${lang}`;
      const CONNECT = 'GoTo Connect Standard';
      const CC = 'GoTo Contact Center';
      const page = await signIn(locale, /Ada Admin/);
      const main = page.getByRole('main');
      const status = page.getByRole('status');

      // Article 001: the super admin with a card on file buys a seat of each, at the total shown.
      await buyCart(page, t, { [CONNECT]: '1', [CC]: '1' });
      expect(await accessibilityProblems(page)).toEqual([]);

      // Articles 000 and 002: a new user with two products, a feature of one switched off, dry run first.
      await page
        .getByRole('navigation', { name: t('nav.main') })
        .getByRole('link', { name: t('nav.users') })
        .click();
      await page.getByRole('link', { name: t('users.new') }).click();
      const fillNewUser = async () => {
        await page.getByLabel(t('users.email'), { exact: true }).fill(`journey.${lang}@demo-goto.test`);
        await page.getByLabel(t('users.name'), { exact: true }).fill(name);
        await page.getByLabel(CONNECT, { exact: true }).check();
        await page
          .getByRole('list', { name: t('users.featuresOf', { product: CONNECT }) })
          .getByLabel('voicemail', { exact: true })
          .uncheck();
        await page.getByLabel(CC, { exact: true }).check();
      };
      await fillNewUser();
      await page.getByLabel(t('users.dryRun')).check();
      await page.getByRole('button', { name: t('users.create') }).click();
      await expect.poll(() => status.textContent()).toContain(t('result.dryRun'));
      expect(await accessibilityProblems(page)).toEqual([]);
      await fillNewUser();
      await page.getByRole('button', { name: t('users.create') }).click();
      await expect.poll(() => status.textContent()).toContain(t('users.created', { name, count: 2 }));
      expect(await main.textContent()).toContain(t('users.featuresOff', { features: 'voicemail' }));
      expect(await accessibilityProblems(page)).toEqual([]);

      // Article 003: a call queue, the new user added on its Agents tab.
      await page
        .getByRole('navigation', { name: t('nav.main') })
        .getByRole('link', { name: t('nav.queues') })
        .click();
      await page.getByLabel(t('queues.name')).fill(queueName);
      await page.getByLabel(t('queues.kind'), { exact: true }).selectOption('call');
      await page.getByRole('button', { name: t('queues.createSubmit') }).click();
      const queue = () => page.getByRole('article', { name: queueName });
      await expect.poll(() => queue().count()).toBe(1);
      await queue()
        .getByRole('link', { name: t('queues.agents') })
        .click();
      // The pickers offer what the search finds.
      await page.getByLabel(t('queues.find')).fill(name);
      await page.getByLabel(t('queues.find')).press('Enter');
      await queue()
        .getByLabel(t('queues.addUser', { queue: queueName, role: t('queues.agents') }))
        .selectOption({ label: name });
      await queue()
        .getByRole('button', { name: t('queues.add'), exact: true })
        .click();
      await expect.poll(() => queue().getByRole('listitem').first().textContent()).toContain(name);
      expect(await accessibilityProblems(page)).toEqual([]);

      // In a queue, the user is billed for Contact Center: the invoice says so, and why, down to the request.
      const line = `${CC} · ${name}`;
      await page
        .getByRole('navigation', { name: t('nav.main') })
        .getByRole('link', { name: t('nav.invoice') })
        .click();
      const why = page.getByRole('link', { name: t('invoice.whyOf', { line }) });
      // The ledger is fed just after the change commits.
      await expect.poll(async () => (await why.count()) || (await page.reload(), 0), { timeout: 60_000 }).toBe(1);
      expect(await accessibilityProblems(page)).toEqual([]);
      await why.click();
      await expect.poll(() => main.textContent()).toContain('contact_center.billing_started');
      expect(await main.textContent()).toContain(t('why.memberBasis'));
      expect(await accessibilityProblems(page)).toEqual([]);
      // The interval billing started, and the request that started it (the queue join), in the audit log.
      await page
        .getByRole('row', { name: /contact_center\.billing_started/ })
        .getByRole('link', { name: prefix(t, 'why.request', 'request') })
        .first()
        .click();
      await expect.poll(() => main.textContent()).toMatch(prefix(t, 'audit.ofRequest', 'request').source.slice(1));
      expect(await main.textContent()).toContain('queue.member_added');
      expect(await accessibilityProblems(page)).toEqual([]);

      // Article 002: removing GoTo Connect from an agent in a queue warns that Contact Center billing continues.
      await openUser(page, t, name);
      const remove = page.getByRole('region', { name: t('users.removeProducts', { name }) });
      await remove.getByLabel(CONNECT, { exact: true }).check();
      await remove.getByLabel(t('users.dryRun')).check();
      await remove.getByRole('button', { name: t('users.removeSubmit') }).click();
      await expect.poll(() => status.textContent()).toContain(t('result.dryRun'));
      expect(await status.textContent()).toContain('Contact Center billing continues');
      await page
        .getByRole('region', { name: t('users.removeProducts', { name }) })
        .getByLabel(CONNECT, { exact: true })
        .check();
      await page
        .getByRole('region', { name: t('users.removeProducts', { name }) })
        .getByRole('button')
        .click();
      await expect.poll(() => status.textContent()).toContain(t('result.removed', { count: 1 }));
      expect(await accessibilityProblems(page)).toEqual([]);

      // Article 003: removed from every queue in one action.
      await page
        .getByRole('navigation', { name: t('nav.main') })
        .getByRole('link', { name: t('nav.queues') })
        .click();
      const removeAll = page.getByRole('region', { name: t('queues.removeAll') });
      await removeAll.getByLabel(t('queues.user')).selectOption({ label: name });
      await removeAll.getByRole('button', { name: t('queues.removeAllSubmit') }).click();
      await expect.poll(() => status.textContent()).toContain(t('queues.removedAll', { count: 1 }));
      expect(await accessibilityProblems(page)).toEqual([]);

      // Article 002: the phone line is kept for the retention period, then restored as it was.
      await openUser(page, t, name);
      await page.getByRole('link', { name: t('users.phone', { name }) }).click();
      await expect.poll(() => main.textContent()).toMatch(prefix(t, 'phone.retained', 'date').source.slice(1));
      expect(await accessibilityProblems(page)).toEqual([]);
      await page.getByRole('button', { name: t('phone.restore') }).click();
      await expect.poll(() => status.textContent()).toContain(t('phone.restored'));
      expect(await main.textContent()).toContain(t('phone.active'));
      expect(await accessibilityProblems(page)).toEqual([]);
      await page.context().close();
    },
    // A whole procedure of an article, page after page: longer than one test's usual bound.
    JOURNEY_TIMEOUT,
  );

  it.each([
    // The most recently added agents lose the suite first (the account's order); the second run
    // starts where the first left the account.
    { locale: 'it-IT', lang: 'it' as const, target: 2, downgraded: ['Rui Agent', 'Quinn Agent'] },
    { locale: 'de-DE', lang: 'de' as const, target: 1, downgraded: ['Pia Agent'] },
  ])(
    'walks the Zendesk article 004: the owner buys a suite, then reduces it after the downgrade preview ($locale)',
    async ({ locale, lang, target, downgraded }) => {
      const t = translator(lang);
      const page = await signIn(locale, /Zendesk owner/);
      const purchased = async () => {
        await page
          .getByRole('navigation', { name: t('nav.main') })
          .getByRole('link', { name: t('nav.products') })
          .click();
        const row = page.getByRole('row', { name: /Zendesk Support/ });
        return Number(await row.getByRole('cell').first().textContent());
      };
      const before = await purchased();

      await buyCart(page, t, { [t('cart.suite', { name: 'Support Suite' })]: '1' });
      expect(await accessibilityProblems(page)).toEqual([]);
      expect(await purchased()).toBe(before + 1);

      await page
        .getByRole('navigation', { name: t('nav.main') })
        .getByRole('link', { name: t('nav.seats') })
        .click();
      await page.getByLabel(t('seats.newTotal', { product: 'Support Suite' })).fill(String(target));
      await page
        .getByRole('button', { name: t('seats.preview') })
        .first()
        .click();
      const preview = page.getByRole('region', { name: t('seats.previewTitle') });
      await expect.poll(() => preview.count()).toBe(1);
      expect(await preview.textContent()).toContain(
        t('seats.change', { product: 'Zendesk Support', before: before + 1, after: target }),
      );
      expect(await preview.getByRole('list').last().getByRole('listitem').allTextContents()).toEqual(downgraded);
      // Nothing changed before the confirmation.
      expect(await accessibilityProblems(page)).toEqual([]);
      await preview.getByRole('button', { name: t('seats.confirm') }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain(t('seats.done'));
      expect(await accessibilityProblems(page)).toEqual([]);
      expect(await purchased()).toBe(target);
      await page.context().close();
    },
    // A whole procedure of an article, page after page: longer than one test's usual bound.
    JOURNEY_TIMEOUT,
  );

  it('lets an operator complete an order from sales in the back office (French)', async () => {
    // A sales-managed account asks sales for seats (the articles' 48 hours), through the API.
    const { accountId, ownerId } = await demo.openAccount({
      name: 'Par les ventes',
      kind: AccountKind.SALES_MANAGED,
      style: AccountStyle.GOTO,
      currency: 'USD',
      offeringId: 'goto_business',
      owner: { email: 'owner@par-les-ventes.example', displayName: 'Paule' },
    });
    const ownerApi = createClient(LicensingService, demo.stack.address, {
      token: await demo.sign({ subject: ownerId, accountId }),
    });
    const { order: requested } = await ownerApi.requestSeatsFromSales({ productId: 'goto_meeting', quantity: 4 });
    ownerApi.close();
    const orderId = requested!.id;

    const t = translator('fr');
    const page = await signIn('fr-FR', /Oli Operator/, '/back-office');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('link', { name: 'Par les ventes' }).click();
    const order = page.getByRole('article', { name: new RegExp(orderId) });
    await expect.poll(() => order.textContent()).toContain(t('office.pending'));
    expect(await accessibilityProblems(page)).toEqual([]);
    // The first "check only" is the completion's (the cancellation has its own).
    await order.getByLabel(t('users.dryRun')).first().check();
    await order.getByRole('button', { name: t('office.complete', { id: orderId }) }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain(t('result.dryRun'));
    await page
      .getByRole('article', { name: new RegExp(orderId) })
      .getByRole('button', { name: t('office.complete', { id: orderId }) })
      .click();
    await expect
      .poll(() => page.getByRole('status').textContent())
      .toContain(t('office.completed', { id: orderId, count: 4 }));
    expect(
      await page
        .getByRole('row', { name: /GoTo Meeting/ })
        .getByRole('cell')
        .first()
        .textContent(),
    ).toBe('4');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.context().close();
  });

  it("shows a member who may not act the rule's message and id (German)", async () => {
    const page = await signIn('de-DE', /Bo Agent/);
    await openUser(page, translator('de'), 'Cy Manager');
    const section = page.getByRole('region', { name: 'Produkte für Cy Manager hinzufügen' });
    await section.getByRole('checkbox').first().check();
    await section.getByRole('button', { name: 'Produkte hinzufügen' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('who-may-act.assign-and-unassign');
    expect(await alert.textContent()).toContain('Nicht erlaubt');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.context().close();
  });

  it('lets the keyboard skip to the content first', async () => {
    const page = await signIn('fr-FR', /Zendesk owner/);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Aller au contenu');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');
    await page.context().close();
  });
});
