import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@acme/util';
import { licensingEnvSchema, loadLicensingConfig } from './config.js';

describe('licensing configuration', () => {
  it('starts on embedded defaults when nothing is set', () => {
    const config = loadLicensingConfig({});
    expect(config).toMatchObject({
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: 50051,
      SQLITE_PATH: 'data/licensing.db',
      SEED_DEMO: false,
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('takes public keys from a file or a URL, not both, and only an http(s) URL', () => {
    expect(loadLicensingConfig({ JWT_JWKS_URL: 'https://idp.example/jwks.json' })).toMatchObject({
      JWT_JWKS_URL: 'https://idp.example/jwks.json',
      JWT_JWKS_REFRESH_MS: 60_000,
    });
    expect(() => loadLicensingConfig({ JWT_JWKS_URL: 'https://idp/jwks', JWT_JWKS_FILE: 'jwks.json' })).toThrow(
      /JWT_JWKS_URL: set JWT_JWKS_FILE or JWT_JWKS_URL, not both/,
    );
    expect(() => loadLicensingConfig({ JWT_JWKS_URL: 'file:///etc/jwks.json' })).toThrow(/http:\/\/ or https:\/\//);
  });

  it('reports every bad variable at once, naming it and the value given', () => {
    let error: unknown;
    try {
      loadLicensingConfig({
        GRPC_PORT: '70000',
        GRPC_MAX_REQUEST_BYTES: '-1',
        DATABASE_URL: 'mysql://x',
        SEED_DEMO: 'yes',
        KAFKA_BROKERS: 'a b',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        'GRPC_PORT: expected an integer from 0 to 65535, got "70000"',
        'GRPC_MAX_REQUEST_BYTES: expected a positive number of bytes, got "-1"',
        'DATABASE_URL: expected a postgres:// or postgresql:// URL, got "mysql://x"',
        'SEED_DEMO: expected true or false, got "yes"',
        'KAFKA_BROKERS: expected a comma-separated list of host:port, got "a b"',
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('refuses a movable clock in production', () => {
    expect(loadLicensingConfig({ ALLOW_CLOCK_OFFSET: 'true' }).ALLOW_CLOCK_OFFSET).toBe(true);
    expect(() => loadLicensingConfig({ ALLOW_CLOCK_OFFSET: 'true', NODE_ENV: 'production' })).toThrow(
      /ALLOW_CLOCK_OFFSET.*must not be true when NODE_ENV is production/s,
    );
  });

  it('loads rules from RULES_DIR or a RULES_BUNDLE file, refusing both at once', () => {
    expect(loadLicensingConfig({}).RULES_BUNDLE).toBeUndefined();
    expect(loadLicensingConfig({ RULES_BUNDLE: '/etc/rules/policies-r1.bundle.json' })).toMatchObject({
      RULES_BUNDLE: '/etc/rules/policies-r1.bundle.json',
    });
    expect(loadLicensingConfig({ RULES_DIR: '/etc/rules/policies' }).RULES_DIR).toBe('/etc/rules/policies');
    expect(() => loadLicensingConfig({ RULES_DIR: '/etc/rules/policies', RULES_BUNDLE: 'p.bundle.json' })).toThrow(
      /RULES_BUNDLE: set RULES_DIR or RULES_BUNDLE, not both/,
    );
    // Empty counts as unset; the conflict is listed with every other bad variable.
    expect(loadLicensingConfig({ RULES_DIR: '', RULES_BUNDLE: 'p.bundle.json' }).RULES_BUNDLE).toBe('p.bundle.json');
    let error: unknown;
    try {
      loadLicensingConfig({ GRPC_PORT: 'x', RULES_DIR: 'policies', RULES_BUNDLE: 'p.bundle.json' });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems).toEqual([
      'GRPC_PORT: expected a port number, got "x"',
      'RULES_BUNDLE: set RULES_DIR or RULES_BUNDLE, not both',
    ]);
  });

  it('treats an empty value as unset', () => {
    expect(loadLicensingConfig({ GRPC_PORT: '' }).GRPC_PORT).toBe(50051);
  });

  it('documents every variable in the README', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const name of Object.keys(licensingEnvSchema.shape))
      expect(readme, `README lacks ${name}`).toContain(`\`${name}\``);
  });
});
