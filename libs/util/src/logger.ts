import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Authorization headers and tokens are redacted wherever they appear, so a
 * log line never carries a credential.
 */
export function createLogger(options: { name: string; level?: string }): Logger {
  return pino({
    name: options.name,
    level: options.level ?? 'info',
    redact: {
      paths: ['authorization', '*.authorization', 'token', '*.token', 'headers.authorization'],
      censor: '[redacted]',
    },
  });
}
