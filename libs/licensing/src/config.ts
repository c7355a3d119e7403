import { z } from 'zod';
import { ConfigError, env, parseEnv } from '@acme/util';
import { DEFAULT_POLICIES_DIR } from '@acme/rules';
import { DEFAULT_CONNECTION_LIMITS, DEFAULT_RECEIVE_TIMEOUT_MS } from '@acme/grpc';
import { DEV_DEFAULTS } from './dev-defaults.js';

/**
 * Every environment variable the licensing service reads. README.md documents each one; a test
 * keeps the two in step.
 */
export const licensingEnvSchema = z
  .object({
    GRPC_HOST: z.string().default('127.0.0.1'),
    GRPC_PORT: env.port(DEV_DEFAULTS.port),
    GRPC_MAX_REQUEST_BYTES: env.positiveInt(64 * 1024, 'a positive number of bytes'),
    GRPC_MAX_RESPONSE_BYTES: env.positiveInt(4 * 1024 * 1024, 'a positive number of bytes'),
    GRPC_MAX_CALL_MS: env.positiveInt(30_000, 'a positive number of milliseconds'),
    GRPC_RECEIVE_TIMEOUT_MS: env.positiveInt(DEFAULT_RECEIVE_TIMEOUT_MS, 'a positive number of milliseconds'),
    GRPC_MAX_CONNECTIONS: env.positiveInt(DEFAULT_CONNECTION_LIMITS.maxConnections, 'a positive number of connections'),
    GRPC_MAX_CONNECTIONS_PER_PEER: env.nonNegativeInt(
      DEFAULT_CONNECTION_LIMITS.maxConnectionsPerPeer,
      'a number of connections (0: no bound)',
    ),
    GRPC_HANDSHAKE_TIMEOUT_MS: env.positiveInt(
      DEFAULT_CONNECTION_LIMITS.handshakeTimeoutMs,
      'a positive number of milliseconds',
    ),
    GRPC_IDLE_TIMEOUT_MS: env.positiveInt(DEFAULT_CONNECTION_LIMITS.idleTimeoutMs, 'a positive number of milliseconds'),
    GRPC_MAX_CONNECTION_AGE_MS: env.positiveInt(
      DEFAULT_CONNECTION_LIMITS.maxConnectionAgeMs,
      'a positive number of milliseconds',
    ),
    GRPC_MAX_CONNECTION_AGE_GRACE_MS: env.positiveInt(
      DEFAULT_CONNECTION_LIMITS.maxConnectionAgeGraceMs,
      'a positive number of milliseconds',
    ),
    GRPC_MAX_CONCURRENT_STREAMS: env.positiveInt(
      DEFAULT_CONNECTION_LIMITS.maxConcurrentStreams,
      'a positive number of streams',
    ),
    GRPC_KEEPALIVE_TIME_MS: env.positiveInt(
      DEFAULT_CONNECTION_LIMITS.keepaliveTimeMs,
      'a positive number of milliseconds',
    ),
    GRPC_KEEPALIVE_TIMEOUT_MS: env.positiveInt(
      DEFAULT_CONNECTION_LIMITS.keepaliveTimeoutMs,
      'a positive number of milliseconds',
    ),
    SHUTDOWN_GRACE_MS: env.positiveInt(10_000, 'a positive number of milliseconds'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, { error: 'expected a postgres:// or postgresql:// URL' })
      .optional(),
    SQLITE_PATH: z.string().default(DEV_DEFAULTS.sqlitePath),
    JWT_JWKS_FILE: z.string().optional(),
    JWT_JWKS_URL: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
    JWT_JWKS_REFRESH_MS: env.positiveInt(60_000, 'a positive number of milliseconds'),
    JWT_ISSUER: z.string().default(DEV_DEFAULTS.issuer),
    JWT_AUDIENCE: z.string().default(DEV_DEFAULTS.audience),
    RULES_DIR: z.string().default(DEFAULT_POLICIES_DIR),
    // A bundle file (`npm run rules -- bundle`) instead of RULES_DIR: not both (loadLicensingConfig).
    RULES_BUNDLE: z.string().optional(),
    KAFKA_BROKERS: env.hostPortList(),
    KAFKA_CLIENT_ID: z.string().default('licensing-service'),
    OUTBOX_POLL_MS: env.positiveInt(250, 'a positive number of milliseconds'),
    OUTBOX_BATCH_SIZE: env.positiveInt(500, 'a positive number of events'),
    OUTBOX_LEASE_MS: env.positiveInt(10_000, 'a positive number of milliseconds'),
    METRICS_HOST: z.string().default('127.0.0.1'),
    METRICS_PORT: env.optionalPort(),
    SEED_DEMO: env.boolean(false),
    RETENTION_SWEEP_MS: env.positiveInt(600_000, 'a positive number of milliseconds'),
    DECISION_LOG_RETENTION_DAYS: env.positiveInt(30, 'a positive number of days'),
    ALLOW_CLOCK_OFFSET: env.boolean(false),
    NODE_ENV: z.string().optional(),
    LOG_LEVEL: env.logLevel(),
  })
  .refine((c) => !(c.JWT_JWKS_FILE && c.JWT_JWKS_URL), {
    path: ['JWT_JWKS_URL'],
    error: 'set JWT_JWKS_FILE or JWT_JWKS_URL, not both',
  })
  // A clock that can be moved is for staging: a production deployment refuses to start with it.
  .refine((c) => !(c.ALLOW_CLOCK_OFFSET && c.NODE_ENV === 'production'), {
    path: ['ALLOW_CLOCK_OFFSET'],
    error: 'must not be true when NODE_ENV is production (it lets an operator move the service clock)',
  });

export type LicensingConfig = z.infer<typeof licensingEnvSchema>;

/** RULES_DIR has a default, so whether it was set is seen in the variables themselves (empty is unset). */
const BOTH_RULE_SOURCES = 'RULES_BUNDLE: set RULES_DIR or RULES_BUNDLE, not both';

export function loadLicensingConfig(source: Record<string, string | undefined> = process.env): LicensingConfig {
  const bothRuleSources = Boolean(source.RULES_DIR) && Boolean(source.RULES_BUNDLE);
  let config: LicensingConfig;
  try {
    config = parseEnv(licensingEnvSchema, source);
  } catch (error) {
    // Reported with every other bad variable at once.
    if (bothRuleSources && error instanceof ConfigError) throw new ConfigError([...error.problems, BOTH_RULE_SOURCES]);
    throw error;
  }
  if (bothRuleSources) throw new ConfigError([BOTH_RULE_SOURCES]);
  return config;
}
