import { create, toBinary, fromBinary } from '@bufbuild/protobuf';
import { anyPack, anyUnpack, type Any } from '@bufbuild/protobuf/wkt';
import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import {
  BadRequestSchema,
  ErrorInfoSchema,
  PreconditionFailureSchema,
  QuotaFailureSchema,
  RequestInfoSchema,
  StatusSchema,
  type ErrorInfo,
  type BadRequest,
  type PreconditionFailure,
  type QuotaFailure,
  type Status,
} from '@acme/contracts';
import { AppError, type AppErrorType } from '@acme/util';
import { boundedFieldViolations, clipText, MAX_MESSAGE_CHARS, OMITTED_VIOLATIONS_KEY } from './error-bounds.js';

/** ErrorInfo.domain for every error this platform returns. */
export const ERROR_DOMAIN = 'licensing.acme.dev';
const DETAILS_KEY = 'grpc-status-details-bin';

/** The one place where error types become gRPC status codes. */
const CODE_BY_TYPE: Record<AppErrorType, GrpcStatus> = {
  invalid_argument: GrpcStatus.INVALID_ARGUMENT,
  unauthenticated: GrpcStatus.UNAUTHENTICATED,
  permission_denied: GrpcStatus.PERMISSION_DENIED,
  policy_denied: GrpcStatus.FAILED_PRECONDITION,
  not_found: GrpcStatus.NOT_FOUND,
  already_exists: GrpcStatus.ALREADY_EXISTS,
  failed_precondition: GrpcStatus.FAILED_PRECONDITION,
  resource_exhausted: GrpcStatus.RESOURCE_EXHAUSTED,
  aborted: GrpcStatus.ABORTED,
  unavailable: GrpcStatus.UNAVAILABLE,
  deadline_exceeded: GrpcStatus.DEADLINE_EXCEEDED,
  cancelled: GrpcStatus.CANCELLED,
  unimplemented: GrpcStatus.UNIMPLEMENTED,
  internal: GrpcStatus.INTERNAL,
};

/**
 * Turns any thrown value into a grpc-js error carrying a google.rpc.Status in the
 * `grpc-status-details-bin` trailer. Anything that is not an AppError becomes a bare INTERNAL:
 * its message, stack or SQL never reach the caller (the caller gets the request id to quote).
 */
export function toGrpcError(error: unknown, requestId: string): Partial<ServiceError> {
  const statusProto = toStatus(error, requestId);
  const trailers = new Metadata();
  trailers.set(DETAILS_KEY, Buffer.from(toBinary(StatusSchema, statusProto)));
  return { code: statusProto.code, details: statusProto.message, metadata: trailers };
}

/**
 * The google.rpc.Status a thrown value is answered with (see toGrpcError), also for a status
 * carried inside a response (a bulk change's refused user).
 */
export function toStatus(error: unknown, requestId: string): Status {
  const appError =
    error instanceof AppError
      ? error
      : new AppError('internal', 'internal error; quote the request id when reporting it', {
          reason: 'INTERNAL',
          cause: error,
        });
  const code = CODE_BY_TYPE[appError.type];
  // However large the request, the refusal must fit in the trailers (see error-bounds.ts).
  const message = clipText(appError.message, MAX_MESSAGE_CHARS);
  const fieldViolations = boundedFieldViolations(appError.fieldViolations);
  const metadata = {
    ...appError.metadata,
    ...(fieldViolations.omitted > 0 ? { [OMITTED_VIOLATIONS_KEY]: String(fieldViolations.omitted) } : {}),
  };
  const details: Any[] = [
    anyPack(ErrorInfoSchema, create(ErrorInfoSchema, { reason: appError.reason, domain: ERROR_DOMAIN, metadata })),
    anyPack(RequestInfoSchema, create(RequestInfoSchema, { requestId })),
  ];
  if (fieldViolations.listed.length > 0) {
    details.push(anyPack(BadRequestSchema, create(BadRequestSchema, { fieldViolations: fieldViolations.listed })));
  }
  if (appError.ruleViolations.length > 0) {
    // Seat limits read naturally as a quota; every other violated rule is a failed precondition.
    if (appError.type === 'resource_exhausted') {
      details.push(
        anyPack(
          QuotaFailureSchema,
          create(QuotaFailureSchema, {
            violations: appError.ruleViolations.map((v) => ({ subject: v.subject, description: v.description })),
          }),
        ),
      );
    }
    details.push(
      anyPack(
        PreconditionFailureSchema,
        create(PreconditionFailureSchema, { violations: appError.ruleViolations.map((v) => ({ ...v })) }),
      ),
    );
  }
  return create(StatusSchema, { code, message, details });
}

/** What a client can read back from a failed call: the decoded google.rpc.Status details. */
export interface DecodedStatus {
  code: GrpcStatus;
  message: string;
  errorInfo?: ErrorInfo;
  badRequest?: BadRequest;
  preconditionFailure?: PreconditionFailure;
  quotaFailure?: QuotaFailure;
  requestId?: string;
}

export function decodeGrpcError(error: Partial<ServiceError>): DecodedStatus {
  const decoded: DecodedStatus = {
    code: error.code ?? GrpcStatus.UNKNOWN,
    message: error.details ?? error.message ?? '',
  };
  const raw = error.metadata?.get(DETAILS_KEY)[0];
  if (!(raw instanceof Buffer)) return decoded;
  const statusProto = fromBinary(StatusSchema, raw);
  for (const detail of statusProto.details) {
    decoded.errorInfo ??= anyUnpack(detail, ErrorInfoSchema);
    decoded.badRequest ??= anyUnpack(detail, BadRequestSchema);
    decoded.preconditionFailure ??= anyUnpack(detail, PreconditionFailureSchema);
    decoded.quotaFailure ??= anyUnpack(detail, QuotaFailureSchema);
    decoded.requestId ??= anyUnpack(detail, RequestInfoSchema)?.requestId;
  }
  return decoded;
}
