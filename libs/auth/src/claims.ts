import { z } from 'zod';
import { AppError } from '@acme/util';
import { ACCOUNT_ID_PATTERN, CLAIMS, type Identity } from './principal.js';

/**
 * The claims of a verified token, checked by one schema before anything reads them: a validly
 * signed token is still input. Whatever passes is safe to log, to store (no U+0000, no control
 * characters, bounded lengths) and to match on; whatever fails is refused as UNAUTHENTICATED
 * naming the claim, never passed on to fail later as INTERNAL.
 *
 * A token carries identity only. The service's user records are authoritative for a user's roles
 * and permissions, so a token carrying `roles` or `perms` is refused, whatever its kind: a caller
 * (or an issuer) that believes the token grants them must learn that it does not.
 */

/** `sub`: user ids (`usr_demo_goto_admin`) and service names (`svc:sales-tooling`). */
export const SUBJECT_PATTERN = /^[A-Za-z0-9_.:@-]{1,200}$/;
/** One entry of `roles`, `perms` or `scope`: a short lower-case slug such as `sales_orders:complete`. */
export const CLAIM_ENTRY_PATTERN = /^[a-z][a-z0-9_:.-]{0,63}$/;
/** Entries at most in each of `roles`, `perms` and `scope`. */
export const MAX_CLAIM_ENTRIES = 32;
/** `jti`: printable ASCII without spaces (our tokens carry a UUID). */
export const TOKEN_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;

const ENTRIES = `at most ${MAX_CLAIM_ENTRIES} names, each a lower-case letter then up to 63 of a-z 0-9 _ : . -`;

/** What each claim must be, as the refusal says it: `token claim "<name>" must be <this>`. */
const REQUIREMENTS: Record<string, string> = {
  sub: 'a string of 1 to 200 letters, digits or _ . : @ -',
  [CLAIMS.account]: 'an account id: "acct_" then 1 to 60 letters, digits or _',
  [CLAIMS.kind]: '"user" or "service"',
  [CLAIMS.roles]: `a JSON array (not a string) of ${ENTRIES}`,
  [CLAIMS.permissions]: `a JSON array (not a string) of ${ENTRIES}`,
  [CLAIMS.scopes]: `a space-separated string or a JSON array of ${ENTRIES}`,
  jti: 'a string of 1 to 128 printable ASCII characters without spaces',
};

const entries = z.array(z.string().regex(CLAIM_ENTRY_PATTERN)).max(MAX_CLAIM_ENTRIES);

/** Only `scope` may be a space-separated string, as in OAuth 2 (RFC 6749 §3.3). */
const scopeString = z
  .string()
  .transform((value) => value.split(' ').filter(Boolean))
  .pipe(entries);

const claimsSchema = z.object({
  sub: z.string().regex(SUBJECT_PATTERN),
  [CLAIMS.account]: z.string().regex(ACCOUNT_ID_PATTERN).optional(),
  [CLAIMS.kind]: z.enum(['user', 'service']).default('user'),
  [CLAIMS.roles]: entries.optional(),
  [CLAIMS.permissions]: entries.optional(),
  [CLAIMS.scopes]: z.union([scopeString, entries]).optional(),
  jti: z.string().regex(TOKEN_ID_PATTERN).optional(),
});

const unauthenticated = (message: string) => new AppError('unauthenticated', message, { reason: 'UNAUTHENTICATED' });

/** The claims of this token that say what the caller may do, which a token may not carry. */
function grantClaims(claims: z.infer<typeof claimsSchema>): string[] {
  return [CLAIMS.roles, CLAIMS.permissions].filter((name) => claims[name] !== undefined).map((name) => `"${name}"`);
}

/**
 * The identity of a verified token's claims, or an UNAUTHENTICATED AppError naming every claim
 * that is not as it must be. The message never repeats a claim's value.
 */
export function identityFromClaims(payload: Record<string, unknown>): Identity {
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '')))];
    throw unauthenticated(
      names.map((name) => `token claim "${name}" must be ${REQUIREMENTS[name] ?? 'valid'}`).join('; '),
    );
  }
  const claims = parsed.data;
  const kind = claims[CLAIMS.kind];
  const account = claims[CLAIMS.account];
  const grants = grantClaims(claims);
  if (kind === 'user') {
    if (account === undefined) throw unauthenticated('user tokens must carry an "acct" claim');
    // The user's record says what the user may do; a token saying it too would be a second,
    // unchecked source (a member's token saying super_admin, a deactivated admin's old token).
    if (grants.length > 0)
      throw unauthenticated(
        `roles and permissions come from the user's record in the service; user tokens carry none (this one has ${grants.join(' and ')})`,
      );
    // Scopes are what a back-office service may do; a user may do what their record says.
    if (claims[CLAIMS.scopes] !== undefined)
      throw unauthenticated('scopes are for service identities; user tokens carry none (this one has "scope")');
  }
  // Rules grant by role and permission; a service without an account acts on any account, so a
  // role on its token would make it, say, super admin of every account. Services act by scopes.
  if (kind === 'service' && grants.length > 0)
    throw unauthenticated('service tokens carry scopes, not "roles" or "perms" claims');
  // Frozen: the verifier's cache hands the same identity to every call of the token.
  return Object.freeze({
    subject: claims.sub,
    kind,
    accountId: account ?? null,
    scopes: Object.freeze(claims[CLAIMS.scopes] ?? []),
    tokenId: claims.jti ?? null,
  });
}
