import { describe, expect, it } from 'vitest';
import { loadConsoleConfig } from './config.js';

describe('console configuration', () => {
  it('runs on defaults: demo sign-in only when given the dev keys, billing at its usual address', () => {
    const config = loadConsoleConfig({});
    expect(config).toMatchObject({
      CONSOLE_PORT: 8080,
      BILLING_ADDRESS: '127.0.0.1:50052',
      OIDC_ACCOUNT_CLAIM: 'org_id',
    });
    expect(config.OIDC_ISSUER_URL).toBeUndefined();
  });

  it('refuses an identity provider without its client, the public address or the signing key', () => {
    expect(() => loadConsoleConfig({ OIDC_ISSUER_URL: 'https://id.example.com', OIDC_CLIENT_ID: 'console' })).toThrow(
      /OIDC_ISSUER_URL.*needs OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, CONSOLE_PUBLIC_URL and CONSOLE_SIGNING_KEY_FILE/,
    );
    const full = loadConsoleConfig({
      OIDC_ISSUER_URL: 'https://id.example.com',
      OIDC_CLIENT_ID: 'console',
      OIDC_CLIENT_SECRET: 's',
      CONSOLE_PUBLIC_URL: 'https://console.example.com',
      CONSOLE_SIGNING_KEY_FILE: '/etc/console/key.json',
    });
    expect(full.OIDC_ALLOW_HTTP).toBe(false);
  });
});
