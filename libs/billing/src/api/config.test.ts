import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@acme/util';
import { billingApiEnvSchema, loadBillingApiConfig } from './config.js';

describe('billing API configuration', () => {
  it('listens on 50052 over the ledger file, for tokens of the platform, by default', () => {
    expect(loadBillingApiConfig({})).toMatchObject({
      BILLING_API_PORT: 50052,
      BILLING_SQLITE_PATH: 'data/billing.db',
      JWT_AUDIENCE: 'licensing',
    });
  });

  it('reports every bad variable at once', () => {
    const error = (() => {
      try {
        loadBillingApiConfig({
          BILLING_API_PORT: 'x',
          LICENSING_ADDRESS: 'licensing',
          JWT_JWKS_FILE: 'a.json',
          JWT_JWKS_URL: 'https://idp.example/jwks',
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual([
      'BILLING_API_PORT',
      'LICENSING_ADDRESS',
    ]);
  });

  it('documents every variable in the README', () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    for (const name of Object.keys(billingApiEnvSchema.shape))
      expect(readme, `README lacks ${name}`).toContain(`\`${name}\``);
  });
});
