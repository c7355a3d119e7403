/**
 * `npm run admin-console`: the admin console's server on CONSOLE_HOST:CONSOLE_PORT, calling the
 * licensing service at LICENSING_ADDRESS. With CONSOLE_DEV_KEYS_FILE (the dev stack's keys) the
 * sign-in page offers the demo accounts' people; with OIDC_ISSUER_URL (and its client, the public
 * URL and CONSOLE_SIGNING_KEY_FILE) people sign in through the company's identity provider.
 */
import { loadOrCreateDevKeys } from '@acme/auth';
import { stopOnSignals, createLogger } from '@acme/util';
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';
import { buildConsole, DEMO_IDENTITIES, devSignIn, loadConsoleConfig, tokenMinter } from '@acme/console';

try {
  const config = loadConsoleConfig();
  const logger = createLogger({ name: 'admin-console' });
  const console_ = await buildConsole({
    licensingAddress: config.LICENSING_ADDRESS,
    billingAddress: config.BILLING_ADDRESS || null,
    identities: DEMO_IDENTITIES,
    signIn: config.CONSOLE_DEV_KEYS_FILE
      ? devSignIn(
          (await loadOrCreateDevKeys(config.CONSOLE_DEV_KEYS_FILE)).privateJwk,
          config.JWT_ISSUER,
          config.JWT_AUDIENCE,
        )
      : null,
    oidc: config.OIDC_ISSUER_URL
      ? {
          options: {
            issuerUrl: config.OIDC_ISSUER_URL,
            clientId: config.OIDC_CLIENT_ID!,
            clientSecret: config.OIDC_CLIENT_SECRET!,
            publicUrl: config.CONSOLE_PUBLIC_URL!,
            accountClaim: config.OIDC_ACCOUNT_CLAIM,
            operatorGroup: config.OIDC_OPERATOR_GROUP ?? null,
            allowHttp: config.OIDC_ALLOW_HTTP,
          },
          mint: tokenMinter(
            JSON.parse(readFileSync(config.CONSOLE_SIGNING_KEY_FILE!, 'utf8')) as JWK,
            config.JWT_ISSUER,
            config.JWT_AUDIENCE,
          ),
        }
      : null,
    secureCookies: config.CONSOLE_SECURE_COOKIES,
  });
  const url = await console_.app.listen({ host: config.CONSOLE_HOST, port: config.CONSOLE_PORT });
  process.stdout.write(`admin console on ${url}\n`);
  stopOnSignals(() => console_.close(), logger);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
