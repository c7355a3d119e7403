/* @jsxRuntime automatic */
import type { ReactNode } from 'react';
import { LOCALE_NAMES, LOCALES, type Locale, type Translate } from '../i18n/index.js';

export interface PageFrame {
  locale: Locale;
  t: Translate;
  /** The CSRF token every form of the page posts back. */
  csrf: string;
  /** The path of this page, so the language switch comes back to it. */
  path: string;
  /** Who is signed in (null on the sign-in page). */
  who: { name: string; accountId: string; operator: boolean } | null;
  /** Whether the console reads billing (the invoice page). */
  invoices: boolean;
}

/** One page: landmarks, a skip link, the navigation, the language switch; no script at all. */
export function Layout({
  frame,
  title,
  head = null,
  children,
}: {
  frame: PageFrame;
  title: string;
  /** Anything more the page's head needs (the redirect after signing in). */
  head?: ReactNode;
  children: ReactNode;
}) {
  const { t, locale, csrf, path, who } = frame;
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Admin`}</title>
        <link rel="stylesheet" href="/console.css" />
        {head}
      </head>
      <body>
        <a className="skip" href="#main">
          {t('layout.skip')}
        </a>
        <header>
          {who && (
            <nav aria-label={t('nav.main')}>
              {who.operator ? (
                <a href="/back-office">{t('nav.backOffice')}</a>
              ) : (
                <>
                  <a href="/products">{t('nav.products')}</a>
                  <a href="/cart">{t('nav.cart')}</a>
                  <a href="/users">{t('nav.users')}</a>
                  <a href="/seats">{t('nav.seats')}</a>
                  <a href="/queues">{t('nav.queues')}</a>
                  <a href="/audit">{t('nav.audit')}</a>
                  {frame.invoices && <a href="/invoice">{t('nav.invoice')}</a>}
                </>
              )}
              <span className="who">{who.operator ? who.name : `${who.name} · ${who.accountId}`}</span>
              <form method="post" action="/sign-out">
                <input type="hidden" name="_csrf" value={csrf} />
                <button type="submit">{t('nav.signOut')}</button>
              </form>
            </nav>
          )}
          <form method="post" action="/language" className="language">
            <input type="hidden" name="_csrf" value={csrf} />
            <input type="hidden" name="back" value={path} />
            <label htmlFor="language">{t('layout.language')}</label>
            <select id="language" name="locale" defaultValue={locale}>
              {LOCALES.map((l) => (
                <option key={l} value={l} lang={l}>
                  {LOCALE_NAMES[l]}
                </option>
              ))}
            </select>
            <button type="submit">{t('layout.change')}</button>
          </form>
        </header>
        <main id="main" tabIndex={-1}>
          <h1>{title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}

/** A refused change as the rules said it: every rule's message and id. */
export function Denial({
  t,
  message,
  rules,
}: {
  t: Translate;
  message: string;
  rules: { id: string; message: string }[];
}) {
  return (
    <section className="denial" role="alert" aria-labelledby="denial-title">
      <h2 id="denial-title">{t('denial.title')}</h2>
      {rules.length > 0 ? (
        <ul>
          {rules.map((rule) => (
            <li key={rule.id}>
              {rule.message} <span className="rule-id">({t('denial.rule', { ruleId: rule.id })})</span>
            </li>
          ))}
        </ul>
      ) : (
        <p>{message}</p>
      )}
    </section>
  );
}
