import { pino, type DestinationStream, type Logger } from 'pino';
import { activeTraceIds } from '@acme/telemetry';

export type { Logger };

/** A JSON Web Token (three base64url parts, the first an encoded JSON header) or a bearer credential. */
const CREDENTIAL = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*|\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/g;

/** Replaces every token-shaped string of a log line, wherever it appears (messages, error text, stacks). */
export const scrubCredentials = (line: string): string =>
  line.replace(CREDENTIAL, (match, scheme?: string) => (scheme ? `${scheme} [redacted]` : '[redacted]'));

/**
 * Structured JSON logs. Authorization headers and tokens are redacted by field name, and any
 * token-shaped text left in a line (a library's error message quoting a header, say) is replaced
 * before the line is written, so a log line never carries a credential. A line written inside a
 * traced call carries its `trace_id` and `span_id`, so logs and traces lead to each other.
 */
export function createLogger(options: { name: string; level?: string; destination?: DestinationStream }): Logger {
  const settings = {
    name: options.name,
    level: options.level ?? 'info',
    redact: {
      paths: ['authorization', '*.authorization', 'token', '*.token', 'headers.authorization'],
      censor: '[redacted]',
    },
    hooks: { streamWrite: scrubCredentials },
    mixin: () => activeTraceIds() ?? {},
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
