import { createIntl, createIntlCache, type IntlShape } from '@formatjs/intl';
import Negotiator from 'negotiator';
import { de } from './de.js';
import { en, type Catalog, type MessageKey } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { it } from './it.js';

/** The console's languages: those of the seed articles, and English. */
export const LOCALES = ['en', 'es', 'it', 'fr', 'de'] as const;
export type Locale = (typeof LOCALES)[number];

export const CATALOGS: Record<Locale, Catalog> = { en, es, it, fr, de };

/** Each language's name in itself, for the switch. */
export const LOCALE_NAMES: Record<Locale, string> = {
  en: 'English',
  es: 'Español',
  it: 'Italiano',
  fr: 'Français',
  de: 'Deutsch',
};

export const isLocale = (value: unknown): value is Locale => LOCALES.includes(value as Locale);

/** The language chosen with the switch (its cookie), else the browser's best match, else English. */
export function chooseLocale(chosen: string | undefined, acceptLanguage: string | undefined): Locale {
  if (isLocale(chosen)) return chosen;
  const negotiated = new Negotiator({ headers: { 'accept-language': acceptLanguage ?? '' } }).language([...LOCALES]);
  return isLocale(negotiated) ? negotiated : 'en';
}

const cache = createIntlCache();
const intls = new Map<Locale, IntlShape<string>>();

/** ICU messages, numbers, dates and money of one language (formatjs). */
export function intlOf(locale: Locale): IntlShape<string> {
  let intl = intls.get(locale);
  if (!intl) {
    intl = createIntl({ locale, defaultLocale: 'en', messages: CATALOGS[locale] }, cache);
    intls.set(locale, intl);
  }
  return intl;
}

/** A page's translator: `t('users.addProducts', { name })`. */
export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export const translator =
  (locale: Locale): Translate =>
  (key, values) =>
    intlOf(locale).formatMessage({ id: key }, values);

export type { MessageKey };
