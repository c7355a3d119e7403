/**
 * The admin console in a real browser (Debian's Chromium, driven by Playwright): signing in,
 * products, adding products with a feature switched off (dry run first) in two languages, a
 * member refused with the rule's message and id, a Zendesk seat reduction previewed then
 * confirmed, seats bought from a priced cart (a GoTo product, a Zendesk suite), a queue with an
 * agent on its tab, a retained phone configuration restored, the
 * keyboard's way in, and no accessibility violation of serious or critical impact
 * on any page (axe).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { LicensingService } from '@acme/contracts';
import { buildConsole, DEMO_IDENTITIES } from '@acme/console';
import { createClient } from '@acme/grpc';
import { startTestStack, type TestStack } from '../test/test-stack.js';

/** Debian's chromium package (.ci/run installs it); CHROMIUM_PATH for another. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let demo: TestStack;
let console_: Awaited<ReturnType<typeof buildConsole>>;
let base: string;
let browser: Browser;

beforeAll(async () => {
  demo = await startTestStack('admin-console-browser');
  console_ = await buildConsole({
    licensingAddress: demo.stack.address,
    identities: DEMO_IDENTITIES,
    signIn: (identity: (typeof DEMO_IDENTITIES)[number]) =>
      demo.sign({ subject: identity.subject, accountId: identity.accountId }),
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

async function signIn(locale: string, name: RegExp): Promise<Page> {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  expect(await accessibilityProblems(page)).toEqual([]);
  await page.getByRole('button', { name }).click();
  await page.waitForURL(`${base}/products`);
  return page;
}

describe('admin console in Chromium', () => {
  it.each([
    {
      locale: 'en-US',
      as: /Ada Admin/,
      user: 'Cy Manager',
      region: 'Add products for Cy Manager',
      search: 'Search users',
      product: 'GoTo Connect Standard',
      feature: 'voicemail',
      dryRun: /Check only \(dry run\)/,
      submit: 'Add products',
      allowed: 'Dry run: this change is allowed',
      done: '1 product added',
      purchased: 'Purchased',
    },
    {
      locale: 'es-ES',
      as: /Ada Admin/,
      user: 'Bo Agent',
      region: 'Agregar productos para Bo Agent',
      search: 'Buscar usuarios',
      product: 'GoTo Meeting',
      feature: null,
      dryRun: /Solo comprobar/,
      submit: 'Agregar productos',
      allowed: 'Simulación: este cambio está permitido',
      done: '1 producto agregado',
      purchased: 'Compradas',
    },
  ])('a GoTo super admin adds a product, dry run first ($locale)', async (c) => {
    const page = await signIn(c.locale, c.as);
    await expect.poll(() => page.getByRole('columnheader', { name: c.purchased }).count()).toBe(1);
    expect(await accessibilityProblems(page)).toEqual([]);

    await page.getByRole('link', { name: c.locale.startsWith('es') ? 'Usuarios' : 'Users' }).click();
    await page.getByLabel(c.search).fill(c.user.split(' ')[0]!);
    await page.getByLabel(c.search).press('Enter');
    await page.waitForURL(/\/users\?q=/);
    const section = page.getByRole('region', { name: c.region });
    await section.getByLabel(c.product, { exact: true }).check();
    if (c.feature) await section.getByLabel(c.feature, { exact: true }).uncheck();
    await section.getByLabel(c.dryRun).check();
    await section.getByRole('button', { name: c.submit }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain(c.allowed);
    expect(await accessibilityProblems(page)).toEqual([]);

    const again = page.getByRole('region', { name: c.region });
    await again.getByLabel(c.product, { exact: true }).check();
    if (c.feature) await again.getByLabel(c.feature, { exact: true }).uncheck();
    await again.getByRole('button', { name: c.submit }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain(c.done);
    const row = page.getByRole('row', { name: new RegExp(c.user) });
    expect(await row.textContent()).toMatch(/goto_/);
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.context().close();
  });

  it("shows a member who may not act the rule's message and id (German)", async () => {
    const page = await signIn('de-DE', /Bo Agent/);
    await page.getByRole('link', { name: 'Benutzer' }).click();
    // Cy Manager holds Meeting and, after the first test, Connect: Contact Center is what is left to add.
    const section = page.getByRole('region', { name: 'Produkte für Cy Manager hinzufügen' });
    await section
      .getByLabel(/Contact Center/)
      .first()
      .check();
    await section.getByRole('button', { name: 'Produkte hinzufügen' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('who-may-act.assign-and-unassign');
    expect(await alert.textContent()).toContain('Nicht erlaubt');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.context().close();
  });

  it('previews a Zendesk seat reduction, who is downgraded and in which order, then confirms it (Italian)', async () => {
    const page = await signIn('it-IT', /Zendesk owner/);
    await page.getByRole('link', { name: 'Riduci licenze' }).click();
    await page.getByLabel('Nuovo numero di licenze per Support Suite').fill('2');
    await page.getByRole('button', { name: 'Anteprima' }).first().click();
    const preview = page.getByRole('region', { name: 'Che cosa fa questa riduzione' });
    await expect.poll(() => preview.getByRole('listitem').count()).toBeGreaterThan(5);
    expect(await preview.textContent()).toContain('5 → 2 licenze');
    expect(await accessibilityProblems(page)).toEqual([]);
    await preview.getByRole('button', { name: 'Conferma la riduzione' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Licenze ridotte.');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.context().close();
  });

  it('creates a queue and adds an agent on its Agents tab (French)', async () => {
    const page = await signIn('fr-FR', /Ada Admin/);
    await page.getByRole('link', { name: "Files d'attente" }).click();
    await page.getByLabel('Nom de la file').fill('Ventes');
    await page.getByLabel('Type', { exact: true }).selectOption('call');
    await page.getByRole('button', { name: 'Créer la file' }).click();
    const queue = page.getByRole('article', { name: 'Ventes' });
    await expect.poll(() => queue.count()).toBe(1);
    expect(await accessibilityProblems(page)).toEqual([]);
    await queue.getByLabel('Ajouter un utilisateur à Ventes comme Agents').selectOption('usr_demo_goto_agent');
    await queue.getByRole('button', { name: 'Ajouter' }).click();
    await expect
      .poll(() => page.getByRole('article', { name: 'Ventes' }).getByRole('listitem').textContent())
      .toContain('Bo Agent');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.context().close();
  });

  it("shows a removed GoTo Connect's phone configuration until its purge date and restores it", async () => {
    // Cy Manager got GoTo Connect in the first test; give the line an extension through the API.
    const api = createClient(LicensingService, demo.stack.address, { token: demo.stack.token });
    await api.updatePhoneConfiguration({ userId: 'usr_demo_goto_manager', extension: '41' });
    api.close();
    const page = await signIn('en-GB', /Ada Admin/);
    await page.getByRole('link', { name: 'Users' }).click();
    const remove = page.getByRole('region', { name: 'Remove products from Cy Manager' });
    await remove.getByLabel('GoTo Connect Standard', { exact: true }).check();
    await remove.getByRole('button', { name: 'Remove products' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('1 product removed');
    await page.getByRole('link', { name: 'Phone configuration of Cy Manager' }).click();
    await expect
      .poll(() => page.getByRole('main').textContent())
      .toContain('Kept after GoTo Connect was removed, until');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Restore: assign GoTo Connect again' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('the phone configuration is restored');
    expect(await page.getByRole('main').textContent()).toContain('In use with GoTo Connect.');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.context().close();
  });

  it.each([
    {
      locale: 'en-US',
      as: /Ada Admin/,
      nav: 'Add licenses',
      quantity: /Seats to add: GoTo Meeting/,
      review: 'Review prices',
      buy: /^Buy for/,
      bought: 'Bought:',
    },
    {
      locale: 'de-DE',
      as: /Zendesk owner/,
      nav: 'Lizenzen hinzufügen',
      quantity: /Hinzuzufügende Lizenzen: .*Suite/,
      review: 'Preise prüfen',
      buy: /kaufen$/,
      bought: 'Gekauft:',
    },
  ])('buys seats from a priced cart ($locale)', async (c) => {
    const page = await signIn(c.locale, c.as);
    await page.getByRole('link', { name: c.nav }).click();
    await page.getByLabel(c.quantity).first().fill('1');
    await page.getByRole('button', { name: c.review }).click();
    const buy = page.getByRole('button', { name: c.buy });
    await expect.poll(() => buy.count()).toBe(1);
    expect(await accessibilityProblems(page)).toEqual([]);
    await buy.click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain(c.bought);
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.context().close();
  });

  it('shows the audit log (Spanish)', async () => {
    const page = await signIn('es-ES', /Ada Admin/);
    await page.getByRole('link', { name: 'Registro de auditoría' }).click();
    await expect.poll(() => page.getByRole('columnheader', { name: 'Quién' }).count()).toBe(1);
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
