/** The closed sets of values the reach analysis relies on must be the catalogue's. */
import { describe, expect, it } from 'vitest';
import { FACTS } from '../../engine/catalogue.js';
import { ENUMERATED_VALUES } from './fact-domains.js';

describe('the values the analysis relies on', () => {
  it('are the ones the catalogue lists', () => {
    for (const [key, values] of Object.entries(ENUMERATED_VALUES)) {
      const [fact, field] = key.split('.');
      expect(FACTS[fact!]!.description).toContain(`${field}: ${values.map((v) => JSON.stringify(v)).join('|')}`);
    }
  });
});
