import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import { CLAIMS } from './principal.js';

/**
 * Development signing keys: an Ed25519 pair kept in a local file so that `npm start` and the
 * dev-token tool agree without any setup. Production configures public keys only
 * (JWT_JWKS_FILE) and never holds a private key.
 */
export interface DevKeys {
  privateJwk: JWK;
  publicJwks: JSONWebKeySet;
}

/** A new Ed25519 signing key named `kid`: the private JWK for the issuer, the public set for verifiers. */
export async function generateSigningKey(kid: string): Promise<DevKeys> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA' },
    publicJwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' }] },
  };
}

export async function loadOrCreateDevKeys(path: string): Promise<DevKeys> {
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as DevKeys;
  const keys = await generateSigningKey(`dev-${randomUUID().slice(0, 8)}`);
  mkdirSync(dirname(path), { recursive: true });
  // Written aside, then linked into place: a process starting at the same moment either finds the
  // whole file or makes its own and keeps the first one linked, never reads a half-written one.
  const aside = `${path}.${process.pid}.${randomUUID()}`;
  writeFileSync(aside, JSON.stringify(keys, null, 2), { mode: 0o600 });
  try {
    linkSync(aside, path);
    return keys;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return JSON.parse(readFileSync(path, 'utf8')) as DevKeys;
  } finally {
    unlinkSync(aside);
  }
}

/**
 * What a token says: who the caller is, never what it may do. A user's roles and permissions are
 * in the service's user records; a token carrying them is refused (see claims.ts).
 */
export interface TokenClaims {
  /** A user id (`usr_…`) of the account, or a service name (`svc:…`). */
  subject: string;
  kind?: 'user' | 'service';
  /** Required for users; services may carry one to be confined to that account. */
  accountId?: string;
  /** Service scopes (`licenses:read`, `licenses:write`, `sales_orders:complete`); users carry none. */
  scopes?: string[];
  issuer: string;
  audience: string;
  /** Lifetime, e.g. `1h`, `30d` (jose time span). */
  expiresIn?: string;
  /**
   * For tests of odd tokens only: claims written as given over the ones above (`sub`, `acct`,
   * `roles`, any other name), unchecked, e.g. `{ sub: 42 }` or `{ roles: ['admin'] }` (which the
   * verifier refuses); a claim given as `undefined` is left out. `iat` and `exp` always come from
   * the signer.
   */
  rawClaims?: Record<string, unknown>;
}

export async function signToken(privateJwk: JWK, claims: TokenClaims): Promise<string> {
  const key = await importJWK(privateJwk, privateJwk.alg ?? 'EdDSA');
  const body: Record<string, unknown> = {
    sub: claims.subject,
    iss: claims.issuer,
    aud: claims.audience,
    jti: randomUUID(),
    [CLAIMS.kind]: claims.kind ?? 'user',
  };
  if (claims.accountId) body[CLAIMS.account] = claims.accountId;
  if (claims.scopes?.length) body[CLAIMS.scopes] = claims.scopes.join(' ');
  for (const [name, value] of Object.entries(claims.rawClaims ?? {})) {
    if (value === undefined) delete body[name];
    else body[name] = value;
  }
  const header = { alg: privateJwk.alg ?? 'EdDSA', ...(privateJwk.kid ? { kid: privateJwk.kid } : {}) };
  return new SignJWT(body)
    .setProtectedHeader(header)
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '1h')
    .sign(key);
}
