import { z } from 'zod';

/**
 * Validates environment variables against a zod object schema and reports every bad variable at
 * once, one line each (`PORT: expected an integer from 1 to 65535, got "abc"`), so an operator
 * fixes a deployment in one go rather than one restart per mistake.
 */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function parseEnv<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  // Empty strings count as unset: `FOO= npm start` should mean "use the default".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const raw = typeof issue.path[0] === 'string' ? cleaned[issue.path[0]] : undefined;
    return raw === undefined ? `${name}: ${issue.message}` : `${name}: ${issue.message}, got ${JSON.stringify(raw)}`;
  });
  throw new ConfigError(problems);
}

const portNumber = () =>
  z.coerce
    .number({ error: 'expected a port number' })
    .int({ error: 'expected an integer from 0 to 65535' })
    .min(0, { error: 'expected an integer from 0 to 65535' })
    .max(65535, { error: 'expected an integer from 0 to 65535' });

/** Building blocks with messages that say what is expected. */
export const env = {
  port: (fallback: number) => portNumber().default(fallback),
  /** A port that may be left unset (the feature it serves is then off). */
  optionalPort: () => portNumber().optional(),
  positiveInt: (fallback: number, what = 'a positive integer') =>
    z.coerce
      .number({ error: `expected ${what}` })
      .int({ error: `expected ${what}` })
      .positive({ error: `expected ${what}` })
      .default(fallback),
  /** A count where 0 means "no bound". */
  nonNegativeInt: (fallback: number, what = 'a non-negative integer') =>
    z.coerce
      .number({ error: `expected ${what}` })
      .int({ error: `expected ${what}` })
      .min(0, { error: `expected ${what}` })
      .default(fallback),
  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'], { error: 'expected true or false' })
      .transform((v) => v === 'true' || v === '1')
      .default(fallback),
  /** `host:port,host:port`, e.g. KAFKA_BROKERS; optional (unset means "not used"). */
  hostPortList: () =>
    z
      .string()
      .regex(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/, { error: 'expected a comma-separated list of host:port' })
      .optional(),
  logLevel: () =>
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'expected one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
};
