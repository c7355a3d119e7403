/**
 * `npm run admin-console`: the admin console's server on CONSOLE_HOST:CONSOLE_PORT, calling the
 * licensing service at LICENSING_ADDRESS. With CONSOLE_DEV_KEYS_FILE (the dev stack's keys) the
 * sign-in page offers the demo accounts' people; otherwise nobody can sign in yet.
 */
import { loadOrCreateDevKeys } from '@acme/auth';
import { stopOnSignals, createLogger } from '@acme/util';
import { buildConsole, DEMO_IDENTITIES, devSignIn, loadConsoleConfig } from '@acme/console';

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
    secureCookies: config.CONSOLE_SECURE_COOKIES,
  });
  const url = await console_.app.listen({ host: config.CONSOLE_HOST, port: config.CONSOLE_PORT });
  process.stdout.write(`admin console on ${url}\n`);
  stopOnSignals(() => console_.close(), logger);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
