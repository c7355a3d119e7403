import { describe, expect, it } from 'vitest';
import { AppError } from '@acme/util';
import { clipText, OMITTED_VIOLATIONS_KEY } from './error-bounds.js';
import { decodeGrpcError, toGrpcError } from './status-mapping.js';

/** What the refusal costs in trailers: the details as base64 and the message percent-encoded. */
const trailerBytes = (error: ReturnType<typeof toGrpcError>) =>
  Buffer.from(error.metadata!.get('grpc-status-details-bin')[0] as Buffer).toString('base64').length +
  encodeURIComponent(error.details!).length;

describe('refusals fit in the trailers whatever the request', () => {
  // Found by the bad-input properties: 10,000 bad entries made trailers over 64 KiB and the
  // caller got INTERNAL ("Received RST_STREAM ... Protocol error") instead of INVALID_ARGUMENT.
  it.each([
    ['ascii', 'x'],
    ['four-byte characters', '😀'],
  ])('keeps 10,000 field violations of %s under 8 KiB and says how many it left out', (_name, unit) => {
    const violations = Array.from({ length: 10_000 }, (_, i) => ({
      field: `explicit_user_ids[${i}]`,
      description: `${unit.repeat(300)} is not a user id`,
    }));
    const error = toGrpcError(AppError.invalidArgument(violations), 'req-1');
    expect(trailerBytes(error)).toBeLessThan(8192);
    const decoded = decodeGrpcError(error);
    const listed = decoded.badRequest!.fieldViolations;
    expect(listed.length).toBeGreaterThan(0);
    expect(listed[0]!.field).toBe('explicit_user_ids[0]');
    expect(Number(decoded.errorInfo!.metadata[OMITTED_VIOLATIONS_KEY])).toBe(10_000 - listed.length);
    expect(decoded.errorInfo!.reason).toBe('INVALID_ARGUMENT');
  });

  it('leaves a small refusal exactly as it was', () => {
    const error = toGrpcError(AppError.invalidArgument([{ field: 'user_id', description: 'required' }]), 'req-2');
    const decoded = decodeGrpcError(error);
    expect(decoded.message).toBe('invalid request: user_id: required');
    expect(decoded.badRequest!.fieldViolations.map((v) => ({ ...v }))).toMatchObject([
      { field: 'user_id', description: 'required' },
    ]);
    expect(decoded.errorInfo!.metadata[OMITTED_VIOLATIONS_KEY]).toBeUndefined();
  });

  it('clips text without splitting a surrogate pair', () => {
    expect(clipText('ab😀cd', 4)).toBe('ab…');
    expect(clipText('abc', 3)).toBe('abc');
  });
});
