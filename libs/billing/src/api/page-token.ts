import type { FieldViolation } from '@acme/util';

/** A page token: where the last page ended, as opaque text (base64url of JSON). */
export function encodePageToken(position: object): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** The position a page token names; null for none; a problem recorded for one that is not ours. */
export function decodePageToken<T extends object>(token: string, problems: FieldViolation[]): T | null {
  if (token === '') return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (value !== null && typeof value === 'object') return value as T;
  } catch {
    // Not ours: refused below.
  }
  problems.push({ field: 'page_token', description: 'not a page token of this call' });
  return null;
}
