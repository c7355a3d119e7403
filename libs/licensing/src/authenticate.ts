import type { JSONWebKeySet } from 'jose';
import { createTokenVerifier, soleAuthorization, type Identity, type Principal } from '@acme/auth';
import type { Metadata } from '@acme/grpc';
import { AppError } from '@acme/util';
import type { AccountReadCache } from './reads/account-read-cache.js';

/** What authentication needs of the service's user records. */
export interface UserGrantsStore {
  /** The roles and permissions of the account's user `userId`; null when the account has no such user. */
  grants(
    accountId: string,
    userId: string,
  ): Promise<{ roles: readonly string[]; permissions: readonly string[] } | null>;
}

export interface BearerAuthenticatorOptions {
  /** The public keys, or the current ones of a watched file (watchJwksFile). */
  jwks: JSONWebKeySet | (() => JSONWebKeySet);
  issuer: string;
  audience: string;
  /** The service's user records: authoritative for what a user may do. */
  users: UserGrantsStore;
  /**
   * Keeps each user's grants until their account changes (any commit to it, this instance's or
   * another's through the change feed, drops them). Without it every call reads the record.
   */
  cache?: AccountReadCache;
}

type Grants = { readonly roles: readonly string[]; readonly permissions: readonly string[] };
const NONE: readonly string[] = Object.freeze([]);

/**
 * The caller of each call, established before its request is read (the gRPC server runs this in
 * its call gate): the token says who the caller is, the service's records what they may do.
 *
 * - A user token's subject must be a user of the token's account: the roles and permissions are
 *   that user record's. Otherwise UNAUTHENTICATED, the same whether the account exists or not.
 * - A service has no record: no roles or permissions, the scopes of its token.
 *
 * A record that cannot be read (the database is down) is not the caller's fault: the error goes
 * out as it is, and the gate answers and logs it as any other INTERNAL or UNAVAILABLE.
 */
export function bearerAuthenticator(options: BearerAuthenticatorOptions) {
  const verify = createTokenVerifier(options);
  const { users, cache } = options;
  const load = async (accountId: string, userId: string): Promise<Grants | null> => {
    const record = await users.grants(accountId, userId);
    return record
      ? Object.freeze({ roles: Object.freeze([...record.roles]), permissions: Object.freeze([...record.permissions]) })
      : null;
  };
  const weigh = (grants: Grants | null) =>
    64 + (grants ? [...grants.roles, ...grants.permissions].reduce((sum, name) => sum + name.length + 2, 0) : 0);
  const grantsOf = (accountId: string, userId: string): Promise<Grants | null> =>
    cache ? cache.get(accountId, `grants:${userId}`, () => load(accountId, userId), weigh) : load(accountId, userId);
  const services = new WeakMap<Identity, Principal>();

  return async (metadata: Metadata): Promise<Principal> => {
    const identity = await verify(soleAuthorization(metadata.get('authorization')));
    if (identity.kind === 'service') {
      // The verifier hands out the same frozen identity for a token until it expires.
      let principal = services.get(identity);
      if (!principal)
        services.set(identity, (principal = Object.freeze({ ...identity, roles: NONE, permissions: NONE })));
      return principal;
    }
    // The verifier refuses user tokens without an account.
    const accountId = identity.accountId!;
    const grants = await grantsOf(accountId, identity.subject);
    if (!grants) {
      throw new AppError('unauthenticated', `token subject ${identity.subject} is not a user of account ${accountId}`, {
        reason: 'UNAUTHENTICATED',
      });
    }
    return Object.freeze({ ...identity, roles: grants.roles, permissions: grants.permissions });
  };
}
