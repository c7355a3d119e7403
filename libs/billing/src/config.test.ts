import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@acme/util';
import { billingEnvSchema, ledgerDatabaseOptions, loadBillingConfig } from './config.js';

describe('billing configuration', () => {
  it('keeps the ledger in a libsql file unless a PostgreSQL URL is given', () => {
    expect(ledgerDatabaseOptions(loadBillingConfig({}))).toEqual({ sqlitePath: 'data/billing.db' });
    expect(ledgerDatabaseOptions(loadBillingConfig({ BILLING_DATABASE_URL: 'postgres://db/billing' }))).toEqual({
      databaseUrl: 'postgres://db/billing',
    });
  });

  it('reports every bad variable at once, naming it and the value given', () => {
    const error = (() => {
      try {
        loadBillingConfig({
          KAFKA_BROKERS: 'kafka',
          BILLING_DATABASE_URL: 'mysql://x',
          KAFKA_SESSION_TIMEOUT_MS: '0',
          METRICS_PORT: 'x',
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'KAFKA_BROKERS: expected a comma-separated list of host:port, got "kafka"',
      'KAFKA_SESSION_TIMEOUT_MS: expected a positive number of milliseconds, got "0"',
      'BILLING_DATABASE_URL: expected a postgres:// or postgresql:// URL, got "mysql://x"',
      'METRICS_PORT: expected a port number, got "x"',
    ]);
  });

  it('documents every variable in the README', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const name of Object.keys(billingEnvSchema.shape))
      expect(readme, `README lacks ${name}`).toContain(`\`${name}\``);
  });
});
