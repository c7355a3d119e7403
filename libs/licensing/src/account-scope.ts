import type { DescMethod } from '@bufbuild/protobuf';
import type { GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import { ACCOUNT_ID_PATTERN, type Identity, type Principal } from '@acme/auth';
import type { ServiceDescriptor, ServiceHandlers } from '@acme/grpc';
import { AppError } from '@acme/util';

/**
 * The account a call acts on. Users act only on the account in their token; an empty
 * `account_id` means that account. Service identities without an account claim must name one.
 * A mismatch is refused before anything is read, so another account's data is never visible.
 */
export function resolveAccountId(principal: Principal, requested: string, field = 'account_id'): string {
  if (requested !== '' && !ACCOUNT_ID_PATTERN.test(requested)) {
    throw AppError.invalidArgument([
      { field, description: 'must look like acct_<letters, digits or _>, at most 65 characters' },
    ]);
  }
  if (principal.accountId === null) {
    if (requested === '')
      throw AppError.invalidArgument([{ field, description: 'required for service identities without an account' }]);
    return requested;
  }
  if (requested !== '' && requested !== principal.accountId) {
    throw new AppError('permission_denied', 'callers may act only on their own account', {
      reason: 'PERMISSION_DENIED',
      metadata: { account_id: requested },
    });
  }
  return principal.accountId;
}

/** Scopes that let a service read account data; `licenses:write` implies reading. */
export const READ_SCOPES: readonly string[] = ['licenses:read', 'licenses:write'];

/**
 * The back-office scope that reads the decision log (ListDecisions) instead of the read scopes:
 * decisions hold every fact the rules saw, more than a licensing client needs.
 */
export const DECISION_READ_SCOPE = 'decisions:read';

/** The scopes a service needs for a read of account data (readsAccountData). */
export const readScopesOf = (method: Pick<DescMethod, 'name'>): readonly string[] =>
  method.name === 'ListDecisions' ? [DECISION_READ_SCOPE] : READ_SCOPES;

/**
 * Whether an RPC reads an account's data: every `Get…`, `List…`, `Check…` and `Watch…` of the service (the
 * API's reads) but `ListProducts`, the catalog, which is the same for every caller and names no
 * account. A new read follows the naming and is covered without a change here.
 */
export function readsAccountData(method: Pick<DescMethod, 'name'>): boolean {
  return /^(Get|List|Check|Watch)[A-Z]/.test(method.name) && method.name !== 'ListProducts';
}

/**
 * Refuses a read by a service identity that holds none of the read's scopes. Users read their own
 * account (a user token is confined to it); a service, with an `acct` claim or without one, reads
 * only with `licenses:read` or `licenses:write` (the decision log: `decisions:read`). Writes are not checked here: the rules decide them, and a
 * service needs the scope of each (e.g. `sales_orders:complete`).
 */
export function checkReadScope(caller: Identity, scopes: readonly string[] = READ_SCOPES): void {
  if (caller.kind !== 'service' || caller.scopes.some((scope) => scopes.includes(scope))) return;
  throw new AppError('permission_denied', `a service reads account data only with the ${scopes.join(' or ')} scope`, {
    reason: 'PERMISSION_DENIED',
    metadata: { required_scope: scopes[0]! },
  });
}

/**
 * The service's handlers, each read of account data (`readsAccountData`) first checking the read
 * scope: the one place reads are scoped, before the handler validates or reads anything.
 */
export function requireReadScope<S extends GenServiceMethods, P extends Identity>(
  descriptor: ServiceDescriptor<S>,
  handlers: ServiceHandlers<NoInfer<S>, P>,
): ServiceHandlers<S, P> {
  const guarded: Record<string, unknown> = { ...handlers };
  for (const method of descriptor.methods.filter(readsAccountData)) {
    const handler = (handlers as Record<string, (request: object, context: { principal: P }) => Promise<unknown>>)[
      method.localName
    ]!;
    const scopes = readScopesOf(method);
    guarded[method.localName] = async (request: object, context: { principal: P }) => {
      checkReadScope(context.principal, scopes);
      return handler(request, context);
    };
  }
  return guarded as ServiceHandlers<S, P>;
}
