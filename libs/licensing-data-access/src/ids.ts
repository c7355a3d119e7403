import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Ids with a short type prefix (`usr_`, `asg_`, …) and 16 random base32 characters (80 bits):
 * readable in logs, unguessable, and never mistaken for another kind of id.
 */
export function newId(prefix: 'acct' | 'sub' | 'usr' | 'asg' | 'aud' | 'so' | 'q' | 'qm'): string {
  const bytes = randomBytes(16);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % 32];
  return `${prefix}_${out}`;
}
