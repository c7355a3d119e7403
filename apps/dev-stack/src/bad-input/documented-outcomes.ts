/**
 * What a caller may get back from any request, however bad: success, or a documented refusal
 * (README "Calling the service", libs/grpc/src/status-mapping.ts) whose ErrorInfo reason fits its
 * status code and which names what was wrong. Never INTERNAL or UNKNOWN.
 */
import { expect } from 'vitest';
import { LicensingService } from '@acme/contracts';
import { ERROR_DOMAIN, GrpcStatus } from '@acme/grpc';
import type { CallOutcome } from './bad-input-service.js';

/** The reasons (ErrorReason names) each documented status code may carry. */
export const REASONS_BY_CODE: Partial<Record<GrpcStatus, readonly string[]>> = {
  [GrpcStatus.INVALID_ARGUMENT]: ['INVALID_ARGUMENT'],
  [GrpcStatus.NOT_FOUND]: ['NOT_FOUND'],
  // A who-may-act rule denies as PERMISSION_DENIED with reason POLICY_DENIED (decision-outcome.ts).
  [GrpcStatus.PERMISSION_DENIED]: ['PERMISSION_DENIED', 'POLICY_DENIED'],
  [GrpcStatus.FAILED_PRECONDITION]: [
    'POLICY_DENIED',
    'PRICE_MISMATCH',
    'NOT_OFFERED',
    'MIXED_CURRENCIES',
    'QUOTE_EXPIRED',
    'CONFIGURATION_RETAINED',
    'BULK_REFUSED',
    'IDEMPOTENCY_KEY_REUSED',
    'CONFLICT',
  ],
  [GrpcStatus.RESOURCE_EXHAUSTED]: ['SEATS_EXHAUSTED', 'REQUEST_TOO_LARGE'],
  [GrpcStatus.ALREADY_EXISTS]: ['ALREADY_EXISTS'],
  [GrpcStatus.ABORTED]: ['CONFLICT'],
};

/** A refusal must fit the trailers every gRPC client accepts (C-core's default limit is 8 KiB). */
const MAX_TRAILER_BYTES = 8192;

/** grpc-js itself refuses a request over 4 x GRPC_MAX_REQUEST_BYTES (its own limit), before any of our code runs. */
const isOversizeRefusal = (outcome: CallOutcome) =>
  outcome.code === GrpcStatus.RESOURCE_EXHAUSTED &&
  !outcome.status?.errorInfo &&
  /larger than max/.test(outcome.status?.message ?? '');

const WHOLE_BODY_UNREADABLE = 'is not a valid protobuf encoding';

const fieldNames = (method: string): Set<string> =>
  new Set(LicensingService.methods.find((m) => m.name === method)!.input.fields.map((f) => f.name));

/** Fails unless the outcome is success or a documented, precise refusal. */
export function expectDocumentedOutcome(method: string, outcome: CallOutcome): void {
  const { code, status } = outcome;
  const describe = `${method} -> ${GrpcStatus[code]} ${status?.errorInfo?.reason ?? ''}: ${status?.message.slice(0, 300)}`;
  if (code === GrpcStatus.OK || isOversizeRefusal(outcome)) return;
  expect(REASONS_BY_CODE[code], `undocumented status: ${describe}`).toBeDefined();
  expect(status?.errorInfo?.domain, `no ErrorInfo: ${describe}`).toBe(ERROR_DOMAIN);
  expect(REASONS_BY_CODE[code], `reason does not fit the code: ${describe}`).toContain(status!.errorInfo!.reason);
  expect(status!.requestId, `no RequestInfo: ${describe}`).toBeTruthy();
  expect(outcome.trailerBytes, `oversize trailers: ${describe}`).toBeLessThanOrEqual(MAX_TRAILER_BYTES);
  if (code === GrpcStatus.INVALID_ARGUMENT) {
    const violations = status!.badRequest?.fieldViolations ?? [];
    expect(violations.length, `INVALID_ARGUMENT without BadRequest: ${describe}`).toBeGreaterThan(0);
    const known = fieldNames(method);
    for (const v of violations) {
      // An encoding broken before any field can be read is reported at the empty path: the body as a whole.
      if (v.field === '' && v.description === WHOLE_BODY_UNREADABLE) continue;
      expect(known, `violation names no request field (${v.field}): ${describe}`).toContain(v.field.split(/[.[]/)[0]);
    }
  }
  if (status!.errorInfo!.reason === 'POLICY_DENIED')
    expect(status!.preconditionFailure?.violations.length, `POLICY_DENIED without rules: ${describe}`).toBeGreaterThan(
      0,
    );
  if (status!.errorInfo!.reason === 'SEATS_EXHAUSTED')
    expect(status!.quotaFailure?.violations.length, `SEATS_EXHAUSTED without quota: ${describe}`).toBeGreaterThan(0);
}
