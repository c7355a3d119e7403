/**
 * The one error type the platform throws on purpose. Its `type` is a closed set; transports map
 * each type to their own status in one place (see @acme/grpc `status-mapping.ts`). `reason` is the
 * stable upper-case code (e.g. `POLICY_DENIED`) clients match on; the message is for humans only.
 */
export type AppErrorType =
  | 'invalid_argument'
  | 'unauthenticated'
  | 'permission_denied'
  | 'policy_denied'
  | 'not_found'
  | 'already_exists'
  | 'failed_precondition'
  | 'resource_exhausted'
  | 'aborted'
  | 'unavailable'
  | 'deadline_exceeded'
  /** The caller went away (cancelled the call or reset the stream); nobody reads the answer. */
  | 'cancelled'
  | 'unimplemented'
  | 'internal';

/** One bad request field, reported together with every other bad field. */
export interface FieldViolation {
  field: string;
  description: string;
}

/** One violated policy rule (a deny rule of libs/rules, or a precondition the service checks). */
export interface RuleViolation {
  /** Stable identifier, e.g. the rule id `seat-limits.no-assignment-beyond-purchased`. */
  type: string;
  subject: string;
  description: string;
}

export interface AppErrorOptions {
  /** Stable reason code, e.g. `POLICY_DENIED`; defaults to the upper-cased type. */
  reason?: string;
  fieldViolations?: FieldViolation[];
  ruleViolations?: RuleViolation[];
  /** Extra key/value facts for ErrorInfo.metadata (never secrets). */
  metadata?: Record<string, string>;
  /** The original error, for logs only; never sent to a caller. */
  cause?: unknown;
}

export class AppError extends Error {
  readonly type: AppErrorType;
  readonly reason: string;
  readonly fieldViolations: readonly FieldViolation[];
  readonly ruleViolations: readonly RuleViolation[];
  readonly metadata: Readonly<Record<string, string>>;

  constructor(type: AppErrorType, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.type = type;
    this.reason = options.reason ?? type.toUpperCase();
    this.fieldViolations = options.fieldViolations ?? [];
    this.ruleViolations = options.ruleViolations ?? [];
    this.metadata = options.metadata ?? {};
  }

  static invalidArgument(fieldViolations: FieldViolation[], message?: string): AppError {
    const text = message ?? `invalid request: ${fieldViolations.map((v) => `${v.field}: ${v.description}`).join('; ')}`;
    return new AppError('invalid_argument', text, { reason: 'INVALID_ARGUMENT', fieldViolations });
  }

  static notFound(what: string, id: string): AppError {
    return new AppError('not_found', `${what} ${id} not found`, { reason: 'NOT_FOUND', metadata: { [what]: id } });
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
