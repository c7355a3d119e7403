/** Who is calling, as established from a verified bearer token. */
export interface Principal {
  /** Token subject: a user id (`usr_…`) or a service name (`svc:sales-tooling`). */
  subject: string;
  kind: 'user' | 'service';
  /**
   * The account every read and write of this caller is confined to. Service identities may carry
   * none: they act on the account a request names, limited by their scopes.
   */
  accountId: string | null;
  /** Account roles, e.g. `super_admin`, `admin`, `owner`, `member`. */
  roles: readonly string[];
  /** Fine-grained permissions of custom roles, e.g. `manage_users`, `manage_licenses`. */
  permissions: readonly string[];
  /** Back-office scopes of a service identity, e.g. `sales_orders:complete`. */
  scopes: readonly string[];
  /** The token id (`jti`) when present, for audit. */
  tokenId: string | null;
}

/** Claim names in our tokens; kept in one place so the signer and the verifier agree. */
export const CLAIMS = {
  account: 'acct',
  roles: 'roles',
  permissions: 'perms',
  kind: 'kind',
  scopes: 'scope',
} as const;
