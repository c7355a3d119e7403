/**
 * Who a verified token says the caller is: its identity alone. Once the service's user records
 * are authoritative for a user's roles and permissions, tokens will carry only this (`sub`,
 * `acct`, `kind`, and `scope` for services), and the service will build a {@link Principal} from
 * an `Identity` and its own records. Code that needs no roles or permissions can take an
 * `Identity` today.
 */
export interface Identity {
  /** Token subject: a user id (`usr_…`) or a service name (`svc:sales-tooling`). */
  subject: string;
  kind: 'user' | 'service';
  /**
   * The account every read and write of this caller is confined to. Service identities may carry
   * none: they act on the account a request names, limited by their scopes.
   */
  accountId: string | null;
  /** Back-office scopes of a service identity, e.g. `sales_orders:complete`. */
  scopes: readonly string[];
  /** The token id (`jti`) when present, for audit. */
  tokenId: string | null;
}

/** Who is calling, as established from a verified bearer token. */
export interface Principal extends Identity {
  /**
   * Account roles, e.g. `super_admin`, `admin`, `owner`, `member`. Today as the token's `roles`
   * claim asserts them; they are to come from the service's user records instead.
   */
  roles: readonly string[];
  /**
   * Fine-grained permissions of custom roles, e.g. `manage_users`, `manage_licenses`. Today as
   * the token's `perms` claim asserts them; they are to come from the service's user records.
   */
  permissions: readonly string[];
}

/** The identity part of a principal, without what the token asserts about roles and permissions. */
export function identityOf(principal: Identity): Identity {
  const { subject, kind, accountId, scopes, tokenId } = principal;
  return { subject, kind, accountId, scopes, tokenId };
}

/** Claim names in our tokens; kept in one place so the signer and the verifier agree. */
export const CLAIMS = {
  account: 'acct',
  roles: 'roles',
  permissions: 'perms',
  kind: 'kind',
  scopes: 'scope',
} as const;

/**
 * The format of an account id (`acct_demo_goto`), in a token's `acct` claim and in requests.
 * The single definition: the verifier refuses any other `acct`, and the service's request checks
 * are to import it from here.
 */
export const ACCOUNT_ID_PATTERN = /^acct_[A-Za-z0-9_]{1,60}$/;
