import type { FieldViolation } from '@acme/util';

/**
 * Refusals travel in HTTP/2 trailers, and gRPC clients refuse large trailers: 8 KiB by default in
 * C-core based clients, 64 KiB in Node, where grpc-js then reports a bare INTERNAL. A request with
 * ten thousand bad entries must still get its INVALID_ARGUMENT, so the message is clipped and the
 * field violations are listed up to a byte budget; ErrorInfo.metadata counts the ones left out.
 * Worst case (every character 4 bytes in UTF-8): about 7 KiB of trailers.
 */
export const MAX_MESSAGE_CHARS = 300;
const MAX_VIOLATION_TEXT_CHARS = 160;
const FIELD_VIOLATIONS_BUDGET_BYTES = 3000;
/** ErrorInfo.metadata key: how many field violations the BadRequest does not list. */
export const OMITTED_VIOLATIONS_KEY = 'omitted_field_violations';

/** At most `max` UTF-16 units, never ending in half a surrogate pair, with an ellipsis when cut. */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = /[\uD800-\uDBFF]$/.test(text.slice(0, max - 1)) ? max - 2 : max - 1;
  return `${text.slice(0, cut)}…`;
}

/** The violations that fit the budget, each clipped, and how many were left out. */
export function boundedFieldViolations(violations: readonly FieldViolation[]): {
  listed: FieldViolation[];
  omitted: number;
} {
  const listed: FieldViolation[] = [];
  let bytes = 0;
  for (const v of violations) {
    const clipped = {
      field: clipText(v.field, MAX_VIOLATION_TEXT_CHARS),
      description: clipText(v.description, MAX_VIOLATION_TEXT_CHARS),
    };
    bytes += Buffer.byteLength(clipped.field) + Buffer.byteLength(clipped.description) + 8;
    if (bytes > FIELD_VIOLATIONS_BUDGET_BYTES && listed.length > 0) break;
    listed.push(clipped);
  }
  return { listed, omitted: violations.length - listed.length };
}
