/**
 * Bearer tokens an attacker (or a broken client) might send: each one would make its holder a
 * super admin of the GoTo demo account if the service accepted it (most name its super admin;
 * what a user may do comes from their record, so a token naming them is the prize).
 */
import { base64url, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { AUDIENCE, GOTO, ISSUER } from './security-stack.js';

const SUPER_ADMIN = 'usr_demo_goto_admin';
const CLAIMS = { sub: SUPER_ADMIN, acct: GOTO, kind: 'user' };
const now = () => Math.floor(Date.now() / 1000);

async function signed(key: JWK, claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const jwt = new SignJWT({ iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 600, ...CLAIMS, ...claims });
  return jwt.setProtectedHeader({ alg: 'EdDSA', kid: key.kid, ...header }).sign(await importJWK(key, 'EdDSA'));
}

const encode = (json: object) => base64url.encode(JSON.stringify(json));
const parts = (token: string) => token.split('.') as [string, string, string];
const payloadOf = (token: string) =>
  JSON.parse(new TextDecoder().decode(base64url.decode(parts(token)[1]))) as JWTPayload;

/** Every bad `authorization` value (or set of values), by what is wrong with it. */
export async function badAuthorizations(
  privateJwk: JWK,
  validMemberToken: string,
): Promise<Record<string, string | undefined>> {
  const other = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const otherKey = { ...(await exportJWK(other.privateKey)), alg: 'EdDSA' };
  const [header, , signature] = parts(validMemberToken);
  const memberClaims = payloadOf(validMemberToken);
  const publicX = (privateJwk as { x: string }).x;
  return {
    'no authorization metadata': undefined,
    'empty bearer': 'Bearer ',
    'another scheme (Basic)': 'Basic dXNlcjpwYXNzd29yZA==',
    'not a JWT': 'Bearer not-a-jwt',
    expired: `Bearer ${await signed(privateJwk, { iat: now() - 7200, exp: now() - 3600 })}`,
    'not valid yet (nbf in an hour)': `Bearer ${await signed(privateJwk, { nbf: now() + 3600 })}`,
    'no exp claim': `Bearer ${await signed(privateJwk, { exp: undefined })}`,
    'wrong signature (another key, same kid)': `Bearer ${await signed({ ...otherKey, kid: privateJwk.kid! }, {})}`,
    'unknown key id': `Bearer ${await signed({ ...otherKey, kid: 'attacker-key' }, {})}`,
    'alg none (unsigned)': `Bearer ${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...memberClaims, ...CLAIMS })}.`,
    'HS256 keyed with the public key':
      'Bearer ' +
      (await new SignJWT({ ...memberClaims, ...CLAIMS })
        .setProtectedHeader({ alg: 'HS256', kid: privateJwk.kid! })
        .sign(new TextEncoder().encode(publicX))),
    'wrong audience': `Bearer ${await signed(privateJwk, { aud: 'billing' })}`,
    'wrong issuer': `Bearer ${await signed(privateJwk, { iss: 'attacker' })}`,
    'tampered subject (member made the super admin after signing)': `Bearer ${header}.${encode({ ...memberClaims, sub: SUPER_ADMIN })}.${signature}`,
    'tampered roles (super_admin added to a member token after signing)':
      `Bearer ${header}.` + `${encode({ ...memberClaims, roles: ['super_admin'] })}.${signature}`,
    'tampered account (acct changed after signing)': `Bearer ${header}.${encode({ ...memberClaims, acct: 'acct_demo_zendesk' })}.${signature}`,
    'signature stripped': `Bearer ${header}.${parts(validMemberToken)[1]}.`,
    'user token without an account': `Bearer ${await signed(privateJwk, { acct: undefined })}`,
    'service token carrying roles (super admin of every account)':
      'Bearer ' +
      (await signed(privateJwk, {
        sub: 'svc:billing',
        kind: 'service',
        acct: undefined,
        roles: ['super_admin'],
        scope: 'licenses:write',
      })),
    // Validly signed by the issuer, and still no one the service knows as that account's super admin:
    'user token carrying roles (a member claiming super_admin)': `Bearer ${await signed(privateJwk, { sub: 'usr_demo_goto_agent', roles: ['super_admin'] })}`,
    'user token carrying permissions (a member claiming manage_users)':
      'Bearer ' + (await signed(privateJwk, { sub: 'usr_demo_goto_agent', perms: ['manage_users'] })),
    "another account's user (the Zendesk owner's subject on the GoTo account)": `Bearer ${await signed(privateJwk, { sub: 'usr_demo_zendesk_owner' })}`,
    'a subject that is no user at all': `Bearer ${await signed(privateJwk, { sub: 'usr_demo_goto_nobody' })}`,
    'unknown kind of caller': `Bearer ${await signed(privateJwk, { kind: 'robot' })}`,
    // grpc-js and Node's HTTP/2 refuse to send two authorization headers; a proxy merges them like this.
    'two tokens in one header (merged by a proxy)': `Bearer ${validMemberToken}, Bearer ${validMemberToken}`,
  };
}
