import { z } from 'zod';
import { env, parseEnv } from '@acme/util';

/**
 * Every environment variable the billing consumer reads. README.md documents each one; a test
 * keeps the two in step.
 */
export const billingEnvSchema = z.object({
  KAFKA_BROKERS: env.hostPortList(),
  KAFKA_CLIENT_ID: z.string().default('billing-consumer'),
  KAFKA_GROUP_ID: z.string().default('billing-consumer'),
  KAFKA_SESSION_TIMEOUT_MS: env.positiveInt(30_000, 'a positive number of milliseconds'),
  KAFKA_HEARTBEAT_MS: env.positiveInt(3_000, 'a positive number of milliseconds'),
  KAFKA_FETCH_MAX_WAIT_MS: env.positiveInt(500, 'a positive number of milliseconds'),
  BILLING_BATCH_SIZE: env.positiveInt(2000, 'a positive number of events'),
  BILLING_CONCURRENT_PARTITIONS: env.positiveInt(3, 'a positive number of partitions'),
  BILLING_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, { error: 'expected a postgres:// or postgresql:// URL' })
    .optional(),
  BILLING_SQLITE_PATH: z.string().default('data/billing.db'),
  METRICS_HOST: z.string().default('127.0.0.1'),
  METRICS_PORT: env.optionalPort(),
  LOG_LEVEL: env.logLevel(),
});

export type BillingConfig = z.infer<typeof billingEnvSchema>;

export function loadBillingConfig(source: Record<string, string | undefined> = process.env): BillingConfig {
  return parseEnv(billingEnvSchema, source);
}

/** Where the ledger lives: PostgreSQL when BILLING_DATABASE_URL is set, else the libsql file. */
export function ledgerDatabaseOptions(config: BillingConfig): { databaseUrl: string } | { sqlitePath: string } {
  return config.BILLING_DATABASE_URL
    ? { databaseUrl: config.BILLING_DATABASE_URL }
    : { sqlitePath: config.BILLING_SQLITE_PATH };
}
