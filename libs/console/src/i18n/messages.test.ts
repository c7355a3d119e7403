import { describe, expect, it } from 'vitest';
import { CATALOGS, chooseLocale, intlOf, LOCALES } from './index.js';
import { en } from './en.js';

describe('message catalogs', () => {
  it.each(LOCALES)('%s has exactly the English keys, each a message that formats', (locale) => {
    expect(Object.keys(CATALOGS[locale]).sort()).toEqual(Object.keys(en).sort());
    const intl = intlOf(locale);
    for (const id of Object.keys(en)) {
      const text = intl.formatMessage(
        { id },
        {
          name: 'Ada',
          count: 2,
          price: '$7.00',
          product: 'GoTo Meeting',
          ruleId: 'r.x',
          message: 'm',
          before: 5,
          after: 3,
          queue: 'Support line',
          role: 'agent',
          date: '21 December 2026',
          total: '$21.00',
          time: '10:30',
          orders: 'so_1',
          licenses: 2,
          queues: 1,
          features: 'voicemail',
          month: 'December 2026',
          request: 'req-1',
          through: 3,
          line: 'GoTo Meeting',
          days: 31,
          amount: '$7.00',
          event: 'license.assigned',
          actor: 'usr_1',
          rules: 'r.a, r.b',
          id: 'so_1',
          who: 'usr_1',
        },
      );
      // A message that does not parse comes back as its id; a placeholder left unfilled keeps its braces.
      expect(text, `${locale} ${id}`).not.toBe(id);
      expect(text, `${locale} ${id}`).not.toMatch(/[{}]/);
    }
  });

  it('chooses the switch, else the browser language, else English', () => {
    expect(chooseLocale('de', 'fr-FR,fr;q=0.9')).toBe('de');
    expect(chooseLocale(undefined, 'fr-CH,fr;q=0.9,en;q=0.8')).toBe('fr');
    expect(chooseLocale('xx', 'es-ES')).toBe('es');
    expect(chooseLocale(undefined, 'ja-JP')).toBe('en');
    expect(chooseLocale(undefined, undefined)).toBe('en');
  });

  it('formats plurals per language', () => {
    expect(intlOf('de').formatMessage({ id: 'result.done' }, { count: 1 })).toBe('1 Produkt hinzugefügt.');
    expect(intlOf('fr').formatMessage({ id: 'result.done' }, { count: 2 })).toBe('2 produits ajoutés.');
  });
});
