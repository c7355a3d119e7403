import { randomBytes } from 'node:crypto';

/** Crockford base32, lower case (no i, l, o, u): readable, and sorts like the numbers it encodes. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** Every id prefix in use; a new kind of row gets a new short prefix here. */
export type IdPrefix = 'acct' | 'sub' | 'usr' | 'asg' | 'aud' | 'so' | 'q' | 'qm' | 'qt' | 'dec';

/**
 * ULID-like ids with a short type prefix: `usr_` + 10 characters of milliseconds since the epoch
 * + 16 random characters (80 bits), all Crockford base32. Ids made in different milliseconds sort
 * in creation order, so keyset pages and B-tree inserts follow time; within one millisecond the
 * order is random (these are not monotonic ULIDs, and nothing may depend on that order).
 * Readable in logs, unguessable, and never mistaken for another kind of id.
 */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  let time = '';
  let ms = Math.max(0, Math.floor(now));
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[ms % 32] + time;
    ms = Math.floor(ms / 32);
  }
  let random = '';
  // 256 is a multiple of 32, so `byte % 32` is unbiased.
  for (const byte of randomBytes(16)) random += ALPHABET[byte % 32];
  return `${prefix}_${time}${random}`;
}
