import { z } from 'zod';
import { env, parseEnv } from '@acme/util';

/** Every environment variable the console reads (README.md documents each one). */
export const consoleEnvSchema = z.object({
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
});

export type ConsoleConfig = z.infer<typeof consoleEnvSchema>;

export const loadConsoleConfig = (source: Record<string, string | undefined> = process.env): ConsoleConfig =>
  parseEnv(consoleEnvSchema, source);
