import { z } from 'zod';
import { env, parseEnv } from '@acme/util';

/** Every environment variable the console reads (README.md documents each one). */
export const consoleEnvSchema = z
  .object({
    CONSOLE_HOST: z.string().default('127.0.0.1'),
    CONSOLE_PORT: env.port(8080),
    /** The licensing service the console's server calls (the browser never speaks gRPC). */
    LICENSING_ADDRESS: z.string().default('127.0.0.1:50051'),
    /** The billing API (the invoice pages); empty: the console has no invoice pages. */
    BILLING_ADDRESS: z.string().default('127.0.0.1:50052'),
    /** Development sign-in: the dev stack's signing keys; unset, the sign-in page offers no demo roles. */
    CONSOLE_DEV_KEYS_FILE: z.string().optional(),
    JWT_ISSUER: z.string().default('acme-dev'),
    JWT_AUDIENCE: z.string().default('licensing'),
    /** Mark the session cookie Secure (behind TLS); off for http://127.0.0.1 in development. */
    CONSOLE_SECURE_COOKIES: env.boolean(false),
    /** Production sign-in: the identity provider (OpenID Connect discovery at this issuer). */
    OIDC_ISSUER_URL: z.url({ protocol: /^https?$/ }).optional(),
    OIDC_CLIENT_ID: z.string().optional(),
    OIDC_CLIENT_SECRET: z.string().optional(),
    /** The console's own address as browsers reach it; the provider sends them back to <it>/auth/callback. */
    CONSOLE_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** The ID token claim holding the person's account id. */
    OIDC_ACCOUNT_CLAIM: z.string().default('org_id'),
    /** Members of this group (the ID token's `groups`) sign in as back-office operators. */
    OIDC_OPERATOR_GROUP: z.string().optional(),
    /** Development only: an identity provider on http://. */
    OIDC_ALLOW_HTTP: env.boolean(false),
    /** The console's private signing key (a JWK in JSON); the licensing service's JWKS must hold its public key. */
    CONSOLE_SIGNING_KEY_FILE: z.string().optional(),
  })
  .refine(
    (c) =>
      !c.OIDC_ISSUER_URL ||
      (c.OIDC_CLIENT_ID && c.OIDC_CLIENT_SECRET && c.CONSOLE_PUBLIC_URL && c.CONSOLE_SIGNING_KEY_FILE),
    {
      path: ['OIDC_ISSUER_URL'],
      error:
        'sign-in through OIDC_ISSUER_URL needs OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, CONSOLE_PUBLIC_URL and CONSOLE_SIGNING_KEY_FILE',
    },
  );

export type ConsoleConfig = z.infer<typeof consoleEnvSchema>;

export const loadConsoleConfig = (source: Record<string, string | undefined> = process.env): ConsoleConfig =>
  parseEnv(consoleEnvSchema, source);
