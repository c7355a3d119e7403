import { z } from 'zod';
import { env, parseEnv } from '@acme/util';

/**
 * Every environment variable the billing API reads. README.md documents each one; a test keeps
 * the two in step.
 */
export const billingApiEnvSchema = z
  .object({
    BILLING_API_HOST: z.string().default('127.0.0.1'),
    BILLING_API_PORT: env.port(50052),
    BILLING_DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, { error: 'expected a postgres:// or postgresql:// URL' })
      .optional(),
    BILLING_SQLITE_PATH: z.string().default('data/billing.db'),
    JWT_JWKS_FILE: z.string().optional(),
    JWT_JWKS_URL: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
    JWT_JWKS_REFRESH_MS: env.positiveInt(60_000, 'a positive number of milliseconds'),
    JWT_ISSUER: z.string().default('acme-dev'),
    JWT_AUDIENCE: z.string().default('licensing'),
    LICENSING_ADDRESS: z
      .string()
      .regex(/^[^\s:]+:\d{1,5}$/, { error: 'expected host:port of the licensing service' })
      .optional(),
    SHUTDOWN_GRACE_MS: env.positiveInt(10_000, 'a positive number of milliseconds'),
    METRICS_HOST: z.string().default('127.0.0.1'),
    METRICS_PORT: env.optionalPort(),
    LOG_LEVEL: env.logLevel(),
  })
  .refine((c) => !(c.JWT_JWKS_FILE && c.JWT_JWKS_URL), {
    path: ['JWT_JWKS_URL'],
    error: 'set JWT_JWKS_FILE or JWT_JWKS_URL, not both',
  });

export type BillingApiConfig = z.infer<typeof billingApiEnvSchema>;

export function loadBillingApiConfig(source: Record<string, string | undefined> = process.env): BillingApiConfig {
  return parseEnv(billingApiEnvSchema, source);
}
