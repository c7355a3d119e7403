/**
 * Who a verified token says the caller is: its identity alone, all a token carries (`sub`,
 * `acct`, `kind`, and `scope` for services). The service's user records are authoritative for a
 * user's roles, permissions and ownership: the licensing service looks the user up and builds a
 * {@link Principal} from an `Identity` and that record.
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
  /** Back-office scopes of a service identity, e.g. `sales_orders:complete`; always empty for users. */
  scopes: readonly string[];
  /** The token id (`jti`) when present, for audit. */
  tokenId: string | null;
}

/**
 * Who is calling, with what they may do: an {@link Identity} from a verified token, and the roles
 * and permissions of the caller's user record (none for services). Built by the licensing service,
 * never from a token's claims.
 */
export interface Principal extends Identity {
  /** Account roles from the user's record, e.g. `super_admin`, `admin`, `owner`, `member`. */
  roles: readonly string[];
  /** Fine-grained permissions from the user's record, e.g. `manage_users`, `manage_licenses`. */
  permissions: readonly string[];
}

/** The identity part of a principal, without the roles and permissions of its record. */
export function identityOf(principal: Identity): Identity {
  const { subject, kind, accountId, scopes, tokenId } = principal;
  return { subject, kind, accountId, scopes, tokenId };
}

/** Claim names in our tokens; kept in one place so the signer and the verifier agree. */
export const CLAIMS = {
  account: 'acct',
  /** Refused on every token: roles come from the user's record. Named so the refusal can say so. */
  roles: 'roles',
  /** Refused on every token, like `roles`. */
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
