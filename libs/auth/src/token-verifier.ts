import { createLocalJWKSet, jwtVerify, errors as joseErrors, type JSONWebKeySet, type JWTPayload } from 'jose';
import { AppError } from '@acme/util';
import { identityFromClaims } from './claims.js';
import type { Identity } from './principal.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/**
 * Characters at most in a bearer token, checked before the token is parsed, looked up or its
 * signature checked. Our tokens are well under 1 KiB; this bounds every claim together (a 16 KB
 * claim is refused here) and the work an unauthenticated caller can cause.
 */
export const MAX_TOKEN_LENGTH = 8 * 1024;
/** The whole authorization value: the token, `Bearer` and some whitespace around them. */
const MAX_AUTHORIZATION_LENGTH = MAX_TOKEN_LENGTH + 64;

/** Asymmetric algorithms only: a shared secret would let every verifier mint tokens. */
export const ALLOWED_ALGORITHMS = ['EdDSA', 'ES256', 'RS256'] as const;

export interface TokenVerifierOptions {
  /**
   * Public keys as a JSON Web Key Set, or a function answering the current set (a file reloaded on
   * change): a key rotation adds a key before removing the old one. When the set changes, the
   * tokens verified so far are forgotten, so a removed key's tokens are refused from then on.
   */
  jwks: JSONWebKeySet | (() => JSONWebKeySet);
  issuer: string;
  audience: string;
  clockToleranceSeconds?: number;
  /** Verified tokens kept (until their expiry) so repeated calls skip the signature check; 0 turns it off. */
  cacheSize?: number;
}

/**
 * `authorization` metadata to the caller's identity, or an UNAUTHENTICATED AppError. Identity
 * only: what a user may do comes from the service's records (see principal.ts).
 */
export type TokenVerifier = (authorizationHeader: string | undefined) => Promise<Identity>;

const unauthenticated = (message: string, cause?: unknown) =>
  new AppError('unauthenticated', message, { reason: 'UNAUTHENTICATED', cause });

const tooLong = () => unauthenticated(`token too long: a bearer token has at most ${MAX_TOKEN_LENGTH} characters`);

/**
 * The one `authorization` value among a call's metadata values: undefined when there is none (the
 * verifier then says what is missing); UNAUTHENTICATED when there are several, since which one
 * counts would be a guess.
 */
export function soleAuthorization(values: readonly unknown[]): string | undefined {
  if (values.length > 1) throw unauthenticated('send exactly one authorization header');
  return typeof values[0] === 'string' ? values[0] : undefined;
}

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const source = options.jwks;
  const currentSet = typeof source === 'function' ? source : () => source;
  let keySet = currentSet();
  let keys = createLocalJWKSet(keySet);
  const cache = new VerifiedTokenCache(options.cacheSize ?? 10_000);
  return async (header) => {
    const latest = currentSet();
    if (latest !== keySet) {
      keySet = latest;
      keys = createLocalJWKSet(latest);
      cache.clear();
    }
    if (!header) throw unauthenticated('missing bearer token: send metadata "authorization: Bearer <jwt>"');
    if (header.length > MAX_AUTHORIZATION_LENGTH) throw tooLong();
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!match?.[1]) throw unauthenticated('malformed authorization metadata: expected "Bearer <jwt>"');
    const token = match[1];
    if (token.length > MAX_TOKEN_LENGTH) throw tooLong();
    const known = cache.get(token);
    if (known) return known;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: [...ALLOWED_ALGORITHMS],
        clockTolerance: options.clockToleranceSeconds ?? 30,
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (error) {
      throw unauthenticated(describeJoseError(error), error);
    }
    // Throws for claims that are not as they must be, so a refused token is never cached.
    const identity = identityFromClaims(payload);
    // `exp` is a required claim, so every cached token has an end.
    cache.set(token, identity, (payload.exp as number) * 1000);
    return identity;
  };
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'token expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed)
    return `token claim "${error.claim}" rejected: ${error.reason}`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature does not verify';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'token algorithm not allowed';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'token signed by an unknown key';
  return 'invalid token';
}
